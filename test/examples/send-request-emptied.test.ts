import { describe, expect, it, vi } from 'vitest';
import { sendRequest } from '../../examples/activepieces-piece/actions/send-request.js';
import { type RunActionOptions, runAction } from '../../examples/activepieces-piece/run-action.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { API_TOKEN, failure, usePieceFixture } from './piece-fixture.js';

vi.mock('secret-refs', () => import('../../src/index.js'));

// The piece's promise: a prop the engine emptied fails the step before a secret is read or a request sent. Each
// case types one prop as a user might, with a secret header that would otherwise go out with the real token; the
// engine imitation empties it; the recording API must receive nothing.

const fixture = usePieceFixture();

const tokenHeader = { name: 'Authorization', scheme: 'Bearer', reference: 'prod/api:token' };
const trigger: RunActionOptions = { steps: { trigger: { body: { orderId: 42 } } } };

interface Case {
  typed: (api: string) => Record<string, unknown>;
  options?: RunActionOptions;
  line: string;
}

const cases: Record<string, Case> = {
  'a braced reference typed into the URL path': {
    typed: (api) => ({ url: `${api}/v1/{{resolve:secretsmanager:prod/api:SecretString:account}}/charges` }),
    line: '✖ URL has an empty path segment (//)',
  },
  'a trigger field mapped without .output at the end of the URL': {
    typed: (api) => ({ url: `${api}/orders/{{trigger.body.orderId}}` }),
    options: trigger,
    line: "✖ URL ends in '/' where a path segment was expected",
  },
  'the whole URL as one braced reference': {
    typed: () => ({ url: '{{resolve:secretsmanager:prod/api:SecretString:url}}' }),
    line: '✖ URL arrived empty',
  },
  'the host of the URL': {
    typed: () => ({ url: 'https://{{conn1|ap_sep_v1|prod/api:host}}/v1/charges' }),
    line: '✖ URL has an empty host or port',
  },
  'a query value inside the URL': {
    typed: (api) => ({
      url: `${api}/charges?account={{resolve:secretsmanager:prod/api:SecretString:account}}`,
    }),
    line: '✖ URL has an empty query parameter',
  },
  'a query parameter': {
    typed: (api) => ({ url: api, query: { account: '{{step_1.account}}' } }),
    line: '✖ Query parameters.account arrived empty',
  },
  'the whole JSON body': {
    typed: (api) => ({
      url: api,
      method: 'POST',
      body: '{{resolve:secretsmanager:prod/api:SecretString:body}}',
    }),
    line: '✖ JSON body arrived empty',
  },
  'a text inside the JSON body': {
    typed: (api) => ({
      url: api,
      method: 'POST',
      body: '{"password": "{{resolve:secretsmanager:prod/db}}"}',
    }),
    line: '✖ JSON body.password arrived as an empty text',
  },
  'a number inside the JSON body, where the engine passes the broken text on': {
    typed: (api) => ({ url: api, method: 'POST', body: '{"amount": {{step_1.amount}}}' }),
    options: { jsonText: 'kept' },
    line: '✖ JSON body arrived as text that is not JSON',
  },
  'a header after its scheme': {
    typed: (api) => ({ url: api, headers: { 'X-Api-Key': 'Key {{resolve:secretsmanager:prod/api}}' } }),
    line: '✖ Other headers.X-Api-Key ends in white space with nothing after it',
  },
};

describe('send_request with a prop the engine emptied', () => {
  it.each(Object.entries(cases))(
    'sends nothing and reads no secret: %s',
    async (_name, { typed, options, line }) => {
      const error = await failure(
        runAction(
          sendRequest,
          fixture.goodAuth(),
          { method: 'GET', secretHeaders: [tokenHeader], ...typed(fixture.apiUrl) },
          options,
        ),
      );

      expect(error.code).toBe('invalid_input');
      expect(error.message.split('\n')).toContain(line);
      expect(error.message).not.toContain(API_TOKEN);
      expect(fixture.received).toEqual([]);
      expect(fixture.secretReads()).toEqual([]);
    },
  );

  it('says what the engine did to which prop, naming the possible causes without blaming a secret reference', async () => {
    const error = await failure(
      runAction(
        sendRequest,
        fixture.goodAuth(),
        {
          url: `${fixture.apiUrl}/orders/{{trigger.body.orderId}}`,
          method: 'GET',
          secretHeaders: [tokenHeader],
        },
        trigger,
      ),
    );

    const [count, line, hint] = error.message.split('\n');
    expect(count).toBe('A prop cannot be used:');
    expect(line).toBe("✖ URL ends in '/' where a path segment was expected");
    expect(hint).toMatch(/^Activepieces evaluated the \{\{…\}\} in the prop\(s\) marked above/);
    expect(hint).toContain('trigger data {{trigger.output.…}}');
    expect(hint).not.toMatch(/a braced secret reference never reaches|braced secret reference was typed/);
  });

  it('never repeats the text of a prop it refuses, which may carry a secret', async () => {
    const error = await failure(
      runAction(sendRequest, fixture.goodAuth(), {
        url: `${fixture.apiUrl}/${CANARY}/{{resolve:secretsmanager:prod/api}}?key=${CANARY}&id=`,
        method: 'POST',
        secretHeaders: [{ ...tokenHeader, scheme: ` ${CANARY}` }],
        headers: { 'X-Key': `${CANARY} {{step_1.key}}` },
        query: { key: `${CANARY} ` },
        body: `{"key": "${CANARY}", "empty": "{{step_1.value}}"}`,
      }),
    );

    expect(error.message.split('\n')).toEqual([
      '6 props cannot be used:',
      "✖ URL ends in '/' where a path segment was expected",
      '✖ URL has an empty query parameter',
      '✖ Query parameters.key ends in white space with nothing after it',
      '✖ Other headers.X-Key ends in white space with nothing after it',
      '✖ Secret headers[0].scheme begins with white space',
      '✖ JSON body.empty arrived as an empty text',
      expect.stringMatching(/^Activepieces evaluated/),
    ]);
    expectNoCanary(error);
    expect(fixture.received).toEqual([]);
  });

  it('sends a URL, query and JSON body whose tokens all gave values', async () => {
    await runAction(
      sendRequest,
      fixture.goodAuth(),
      {
        url: `${fixture.apiUrl}/orders/{{trigger.output.body.orderId}}`,
        method: 'PUT',
        secretHeaders: [tokenHeader],
        query: { page: 2 },
        body: '{"id": {{trigger.output.body.orderId}}}',
      },
      trigger,
    );

    expect(fixture.received).toMatchObject([{ method: 'PUT', url: '/orders/42?page=2', body: '{"id":42}' }]);
    expect(fixture.received[0]?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
  });
});
