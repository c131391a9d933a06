import { describe, expect, it, vi } from 'vitest';
import { sendRequest } from '../../examples/activepieces-piece/actions/send-request.js';
import { connectionManagers } from '../../examples/activepieces-piece/manager.js';
import { runAction } from '../../examples/activepieces-piece/run-action.js';
import { SecretResolutionError } from '../../src/errors.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { API_TOKEN, CLIENT_ID, failure, usePieceFixture } from './piece-fixture.js';

vi.mock('secret-refs', () => import('../../src/index.js'));

const fixture = usePieceFixture();

const tokenHeader = { name: 'Authorization', scheme: 'Bearer', reference: 'prod/api:token' };

describe('send_request action', () => {
  it('sends the secret headers typed in the bare form, and the engine-evaluated ones as delivered', async () => {
    const output = await runAction(
      sendRequest,
      fixture.goodAuth(),
      {
        url: `${fixture.apiUrl}/orders/{{trigger.output.body.orderId}}`,
        method: 'POST',
        secretHeaders: [tokenHeader, { name: 'X-Client-Id', reference: 'prod/api:clientId' }],
        headers: { 'X-Order': '{{trigger.output.body.orderId}}' },
        query: { channel: '{{trigger.output.body.channel}}' },
        body: '{"sku":"A-1","order":{{trigger.output.body.orderId}}}',
      },
      { steps: { trigger: { body: { orderId: 42, channel: 'web' } } } },
    );

    expect(fixture.received).toHaveLength(1);
    const [request] = fixture.received;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/orders/42?channel=web',
      body: '{"sku":"A-1","order":42}',
    });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(request?.headers['x-client-id']).toBe(CLIENT_ID);
    expect(request?.headers['x-order']).toBe('42');
    expect(output).toEqual({ status: 201, body: '{"accepted":true}' });
    expect(JSON.stringify(output)).not.toContain(API_TOKEN);
    expect(fixture.secretReads()).toEqual(['prod/api']);
  });

  it('reads a secret named by its full ARN, and a braced reference mapped from a step output', async () => {
    await runAction(
      sendRequest,
      fixture.goodAuth(),
      {
        url: fixture.apiUrl,
        method: 'GET',
        secretHeaders: [
          { name: 'Authorization', scheme: 'Bearer', reference: `${fixture.local.arnOf('prod/api')}:token` },
          { name: 'X-Client-Id', reference: '{{step_1.output.reference}}' },
        ],
      },
      { steps: { step_1: { reference: '{{conn1|ap_sep_v1|prod/api:clientId}}' } } },
    );

    expect(fixture.received[0]?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(fixture.received[0]?.headers['x-client-id']).toBe(CLIENT_ID);
  });

  it('fails, saying the engine emptied it, when a braced reference is typed into a header', async () => {
    const error = await failure(
      runAction(sendRequest, fixture.goodAuth(), {
        url: fixture.apiUrl,
        method: 'GET',
        headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api:SecretString:token}}' },
      }),
    );

    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(
      /^A prop cannot be used:\n✖ Other headers\.Authorization ends in white space/,
    );
    expect(error.message).toContain('Activepieces evaluated the {{…}} in the prop(s) marked above');
    expect(error.message).toContain('bare form');
    expect(fixture.received).toEqual([]);
    expect(fixture.secretReads()).toEqual([]);
  });

  it('fails when a braced reference is typed into a secret header, listing every prop at fault', async () => {
    const error = await failure(
      runAction(sendRequest, fixture.goodAuth(), {
        url: fixture.apiUrl,
        method: 'GET',
        secretHeaders: [
          { name: 'Authorization', scheme: 'Bearer', reference: '{{conn1|ap_sep_v1|prod/api:token}}' },
          { name: '{{step_9.name}}', reference: 'prod/api:clientId' },
          { name: 'X-Key', reference: `${CANARY} pasted here` },
        ],
        headers: { 'X-Empty': '{{resolve:secretsmanager:prod/api}}' },
      }),
    );

    expect(error.message.split('\n').slice(0, 5)).toEqual([
      '4 props cannot be used:',
      '✖ Other headers.X-Empty arrived empty',
      '✖ Secret headers[0].reference arrived empty where a secret reference was expected',
      '✖ Secret headers[1].name arrived empty',
      expect.stringMatching(
        /^✖ Secret headers\[2\]\.reference is not a secret reference \(at offset 25: .+\)$/,
      ),
    ]);
    expectNoCanary(error);
    expect(fixture.received).toEqual([]);
  });

  it('refuses Secret headers typed as text, which the engine delivers as one row per character', async () => {
    const error = await failure(
      runAction(sendRequest, fixture.goodAuth(), {
        url: fixture.apiUrl,
        method: 'GET',
        secretHeaders: 'prod/api:token',
      }),
    );

    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/^14 props cannot be used:\n✖ Secret headers\[0\]\.name arrived empty\n/);
    expect(fixture.received).toEqual([]);
  });

  it('refuses a header named twice', async () => {
    const error = await failure(
      runAction(sendRequest, fixture.goodAuth(), {
        url: fixture.apiUrl,
        method: 'GET',
        secretHeaders: [tokenHeader],
        headers: { authorization: 'Basic abc' },
      }),
    );

    expect(error.message).toContain('✖ Secret headers[0].name names header authorization a second time');
    expect(error.message).not.toContain('Activepieces evaluated');
  });

  it('serves a second run of the same connection from the cache', async () => {
    const props = { url: fixture.apiUrl, method: 'GET', secretHeaders: [tokenHeader] };
    await runAction(sendRequest, fixture.goodAuth(), props);
    fixture.local.resetRequests();

    await runAction(sendRequest, fixture.goodAuth(), props);

    expect(fixture.received.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${API_TOKEN}`,
      `Bearer ${API_TOKEN}`,
    ]);
    expect(fixture.received[1]?.body).toBe('');
    expect(fixture.secretReads()).toEqual([]);
  });

  it('uses a corrected secret key at once, replacing the rejected manager', async () => {
    const props = { url: fixture.apiUrl, method: 'GET', secretHeaders: [tokenHeader] };
    const rejected = await failure(
      runAction(sendRequest, { ...fixture.goodAuth(), secretAccessKey: 'typo' }, props),
    );
    expect(rejected).toBeInstanceOf(SecretResolutionError);
    expect((rejected as SecretResolutionError).issues.map((issue) => issue.code)).toEqual([
      'invalid_credentials',
    ]);

    await runAction(sendRequest, fixture.goodAuth(), props);

    expect(fixture.received.map((request) => request.headers.authorization)).toEqual([`Bearer ${API_TOKEN}`]);
    expect(connectionManagers.size).toBe(1);
  });

  it('fails before sending anything when a reference fails, naming each header and never the value', async () => {
    const error = await failure(
      runAction(sendRequest, fixture.goodAuth(), {
        url: fixture.apiUrl,
        method: 'GET',
        secretHeaders: [
          { name: 'Authorization', scheme: 'Bearer', reference: 'prod/db:token' },
          { name: 'X-Raw', reference: 'prod/raw:key' },
          { name: 'X-Ok', reference: 'prod/db:password' },
        ],
      }),
    );

    expect(error).toBeInstanceOf(SecretResolutionError);
    const issues = (error as SecretResolutionError).issues;
    expect(issues.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: ['authorization'], code: 'json_key_not_found' },
      { path: ['x-raw'], code: 'not_json' },
    ]);
    expectNoCanary(error);
    expect(fixture.received).toEqual([]);
  });
});
