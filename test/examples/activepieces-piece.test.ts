import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkReferences } from '../../examples/activepieces-piece/actions/check-references.js';
import { sendRequest } from '../../examples/activepieces-piece/actions/send-request.js';
import { awsSecretsAuth } from '../../examples/activepieces-piece/auth.js';
import { awsSecretRefs } from '../../examples/activepieces-piece/index.js';
import {
  type AwsSecretsAuthValue,
  connectionManagers,
  MAX_CONNECTIONS,
  managerFor,
} from '../../examples/activepieces-piece/manager.js';
import { runAction } from '../../examples/activepieces-piece/run-action.js';
import { SecretRefError, SecretResolutionError } from '../../src/errors.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../support/local-endpoint/index.js';

// The piece imports the package by name; tsx and tsc map it to src/ (tsconfig.json paths), Vitest needs telling.
vi.mock('secret-refs', () => import('../../src/index.js'));

// Every action runs through runAction, which hands it its props as the Activepieces engine delivers them
// (examples/activepieces-piece/engine-props.ts, tested in engine-props.test.ts), not as they were typed.

const API_TOKEN = 'tok_live_51HxQ2eZvKYlo2C';
const CLIENT_ID = 'client-8842';

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let local: LocalSecretsManager;
let api: Server;
let apiUrl: string;
let received: ReceivedRequest[] = [];

beforeAll(async () => {
  // Prepare: the secrets the piece's props point at, and the HTTP API that send_request calls.
  local = await startLocalSecretsManager({
    secrets: [
      { name: 'prod/api', secretString: JSON.stringify({ token: API_TOKEN, clientId: CLIENT_ID }) },
      { name: 'prod/db', secretString: JSON.stringify({ username: 'orders_app', password: CANARY }) },
      { name: 'prod/raw', secretString: `not json ${CANARY}` },
    ],
  });
  api = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ accepted: true }));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => api.close((error) => (error ? reject(error) : resolve())));
  await local.close();
});

beforeEach(() => {
  received = [];
  local.resetRequests();
  connectionManagers.delete();
});

function goodAuth(): AwsSecretsAuthValue {
  return {
    region: local.region,
    accessKeyId: local.credentials.accessKeyId,
    secretAccessKey: local.credentials.secretAccessKey,
    endpoint: local.endpoint,
  };
}

function validate(auth: AwsSecretsAuthValue) {
  const check = awsSecretsAuth.validate;
  if (check === undefined) throw new Error('the piece auth has no validate');
  return check({
    auth,
    server: { apiUrl: 'http://localhost:3000', publicUrl: 'http://localhost:4200' },
  });
}

function secretReads(): string[] {
  return local.requests
    .filter((request) => request.action === 'GetSecretValue' || request.action === 'BatchGetSecretValue')
    .flatMap((request) => request.secretIds);
}

async function failure(run: Promise<unknown>): Promise<SecretRefError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SecretRefError)) throw new Error(`expected a SecretRefError, got ${String(error)}`);
  return error;
}

const tokenHeader = { name: 'Authorization', scheme: 'Bearer', reference: 'prod/api:token' };

describe('the piece', () => {
  it('leaves minimumSupportedRelease to the framework, which sets the release its context needs', () => {
    expect(awsSecretRefs.metadata().minimumSupportedRelease).toBe('0.82.0');
  });
});

describe('auth validate (testConnection)', () => {
  it('accepts the endpoint credentials', async () => {
    await expect(validate(goodAuth())).resolves.toEqual({ valid: true });
  });

  it('rejects a wrong secret key with a code and a message that holds neither key', async () => {
    const wrongKey = 'wrong-secret-access-key-0000';
    const result = await validate({ ...goodAuth(), secretAccessKey: wrongKey });

    expect(result.valid).toBe(false);
    const error = result.valid ? '' : result.error;
    expect(error).toMatch(/^invalid_credentials: \S/);
    expect(error).not.toContain(wrongKey);
    expect(error).not.toContain(local.credentials.secretAccessKey);
  });

  it('reports a malformed endpoint as invalid, naming the field, instead of throwing', async () => {
    const result = await validate({ ...goodAuth(), endpoint: 'not a url' });

    expect(result.valid).toBe(false);
    expect(result.valid ? '' : result.error).toMatch(/^invalid_config: .*`endpoint`/);
  });
});

describe('send_request action', () => {
  it('sends the secret headers typed in the bare form, and the engine-evaluated ones as delivered', async () => {
    const output = await runAction(
      sendRequest,
      goodAuth(),
      {
        url: `${apiUrl}/orders/{{trigger.body.orderId}}`,
        method: 'POST',
        secretHeaders: [tokenHeader, { name: 'X-Client-Id', reference: 'prod/api:clientId' }],
        headers: { 'X-Order': '{{trigger.body.orderId}}' },
        body: '{"sku":"A-1"}',
      },
      { steps: { trigger: { body: { orderId: 42 } } } },
    );

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', url: '/orders/42', body: '{"sku":"A-1"}' });
    expect(request?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(request?.headers['x-client-id']).toBe(CLIENT_ID);
    expect(request?.headers['x-order']).toBe('42');
    expect(output).toEqual({ status: 201, body: '{"accepted":true}' });
    expect(JSON.stringify(output)).not.toContain(API_TOKEN);
    expect(secretReads()).toEqual(['prod/api']);
  });

  it('reads a secret named by its full ARN, and a braced reference mapped from a step output', async () => {
    await runAction(
      sendRequest,
      goodAuth(),
      {
        url: apiUrl,
        method: 'GET',
        secretHeaders: [
          { name: 'Authorization', scheme: 'Bearer', reference: `${local.arnOf('prod/api')}:token` },
          { name: 'X-Client-Id', reference: '{{step_1.reference}}' },
        ],
      },
      { steps: { step_1: { reference: '{{conn1|ap_sep_v1|prod/api:clientId}}' } } },
    );

    expect(received[0]?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(received[0]?.headers['x-client-id']).toBe(CLIENT_ID);
  });

  it('fails, saying the engine emptied it, when a braced reference is typed into a header', async () => {
    const error = await failure(
      runAction(sendRequest, goodAuth(), {
        url: apiUrl,
        method: 'GET',
        headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api:SecretString:token}}' },
      }),
    );

    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(
      /^A prop cannot be used:\n✖ Other headers\.Authorization ends in white space/,
    );
    expect(error.message).toContain('Activepieces evaluates every {{…}} typed into a step prop');
    expect(error.message).toContain('bare form');
    expect(received).toEqual([]);
    expect(secretReads()).toEqual([]);
  });

  it('fails when a braced reference is typed into a secret header, listing every prop at fault', async () => {
    const error = await failure(
      runAction(sendRequest, goodAuth(), {
        url: apiUrl,
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
    expect(received).toEqual([]);
  });

  it('refuses a header named twice', async () => {
    const error = await failure(
      runAction(sendRequest, goodAuth(), {
        url: apiUrl,
        method: 'GET',
        secretHeaders: [tokenHeader],
        headers: { authorization: 'Basic abc' },
      }),
    );

    expect(error.message).toContain('✖ Secret headers[0].name names header authorization a second time');
    expect(error.message).not.toContain('Activepieces evaluates');
  });

  it('serves a second run of the same connection from the cache', async () => {
    const props = { url: apiUrl, method: 'GET', secretHeaders: [tokenHeader] };
    await runAction(sendRequest, goodAuth(), props);
    local.resetRequests();

    await runAction(sendRequest, goodAuth(), props);

    expect(received.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${API_TOKEN}`,
      `Bearer ${API_TOKEN}`,
    ]);
    expect(received[1]?.body).toBe('');
    expect(secretReads()).toEqual([]);
  });

  it('uses a corrected secret key at once, replacing the rejected manager', async () => {
    const props = { url: apiUrl, method: 'GET', secretHeaders: [tokenHeader] };
    const rejected = await failure(runAction(sendRequest, { ...goodAuth(), secretAccessKey: 'typo' }, props));
    expect(rejected).toBeInstanceOf(SecretResolutionError);
    expect((rejected as SecretResolutionError).issues.map((issue) => issue.code)).toEqual([
      'invalid_credentials',
    ]);

    await runAction(sendRequest, goodAuth(), props);

    expect(received.map((request) => request.headers.authorization)).toEqual([`Bearer ${API_TOKEN}`]);
    expect(connectionManagers.size).toBe(1);
  });

  it('fails before sending anything when a reference fails, naming each header and never the value', async () => {
    const error = await failure(
      runAction(sendRequest, goodAuth(), {
        url: apiUrl,
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
    expect(received).toEqual([]);
  });
});

describe('the manager registry', () => {
  it('keeps one manager per connection, at most MAX_CONNECTIONS, dropping the least recently used', async () => {
    const first = await managerFor(goodAuth());
    for (let index = 0; index < MAX_CONNECTIONS; index += 1) {
      await managerFor({ ...goodAuth(), accessKeyId: `AKIAOTHER${String(index).padStart(11, '0')}` });
    }

    expect(connectionManagers.size).toBe(MAX_CONNECTIONS);
    expect(await managerFor(goodAuth())).not.toBe(first);
  });

  it('gives the same manager for the same connection, and a new one when its secret key changes', async () => {
    const first = await managerFor(goodAuth());

    expect(await managerFor({ ...goodAuth(), region: ` ${local.region} ` })).toBe(first);
    expect(await managerFor({ ...goodAuth(), secretAccessKey: 'rotated' })).not.toBe(first);
    expect(connectionManagers.size).toBe(1);
  });

  it('rejects a malformed region with a typed error and keeps nothing', async () => {
    const error = await failure(managerFor({ ...goodAuth(), region: 'not a region' }));

    expect(error.code).toBe('invalid_config');
    expect(connectionManagers.size).toBe(0);
  });
});

describe('check_references action', () => {
  it('checks bare references and the braced ones in a JSON value mapped from a step, without any value', async () => {
    const connection = {
      props: {
        user: '{{aws-prod|ap_sep_v1|prod/db:username}}',
        password: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
        url: 'postgres://app:{{resolve:secretsmanager:prod/db:SecretString:pass}}@db/orders',
      },
      hooks: ['{{resolve:secretsmanager:prod/missing}}'],
      greeting: 'Order {{trigger.body.id}} received',
    };

    const output = await runAction(
      checkReferences,
      goodAuth(),
      { references: ['prod/api:token', 'prod/raw:key', 'bad name!'], value: '{{step_1.body}}' },
      { steps: { step_1: { body: connection } } },
    );

    expect(output).toMatchObject({
      ok: false,
      total: 7,
      failed: 4,
      references: [
        { at: 'References[0]', ref: 'prod/api:token', ok: true },
        { at: 'References[1]', ok: false, code: 'not_json' },
        { at: 'References[2]', ok: false, code: 'invalid_reference' },
        { at: 'JSON value.props.user', ok: true },
        { at: 'JSON value.props.password', ok: true },
        { at: 'JSON value.props.url', ok: false, code: 'json_key_not_found' },
        { at: 'JSON value.hooks[0]', ok: false, code: 'secret_not_found' },
      ],
    });
    expect(JSON.stringify(output)).not.toContain('orders_app');
    expectNoCanary(output);
  });

  it('fails, saying why, when the references were typed with braces and the engine emptied them', async () => {
    const error = await failure(
      runAction(checkReferences, goodAuth(), {
        value: '{"password": "{{resolve:secretsmanager:prod/db:SecretString:password}}"}',
      }),
    );

    expect(error.message).toMatch(/^A prop cannot be used:\n✖ References and JSON value hold no reference/);
    expect(error.message).toContain('Activepieces evaluates every {{…}}');
    expect(secretReads()).toEqual([]);
  });

  it('fails when a typed reference arrives empty', async () => {
    const error = await failure(
      runAction(checkReferences, goodAuth(), {
        references: ['prod/api:token', '{{resolve:secretsmanager:prod/api}}'],
      }),
    );

    expect(error.message).toContain('✖ References[1] arrived empty where a secret reference was expected');
  });
});
