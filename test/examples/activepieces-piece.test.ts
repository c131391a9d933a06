import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkReferences } from '../../examples/activepieces-piece/actions/check-references.js';
import { sendRequest } from '../../examples/activepieces-piece/actions/send-request.js';
import { awsSecretsAuth } from '../../examples/activepieces-piece/auth.js';
import type { AwsSecretsAuthValue } from '../../examples/activepieces-piece/manager.js';
import { runAction } from '../../examples/activepieces-piece/run-action.js';
import { SecretResolutionError } from '../../src/errors.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../support/local-endpoint/index.js';

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
  it('sends the request with both reference forms resolved in its headers', async () => {
    const output = await runAction(sendRequest, goodAuth(), {
      url: `${apiUrl}/orders?limit=1`,
      method: 'POST',
      headers: {
        Authorization: 'Bearer {{resolve:secretsmanager:prod/api:SecretString:token}}',
        'X-Client-Id': '{{aws-prod|ap_sep_v1|prod/api:clientId}}',
        'X-Step': '{{step_1.output.id}}',
      },
      body: '{"sku":"A-1"}',
    });

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', url: '/orders?limit=1', body: '{"sku":"A-1"}' });
    expect(request?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(request?.headers['x-client-id']).toBe(CLIENT_ID);
    expect(request?.headers['x-step']).toBe('{{step_1.output.id}}');
    expect(output).toEqual({ status: 201, body: '{"accepted":true}' });
    expect(JSON.stringify(output)).not.toContain(API_TOKEN);
    expect(secretReads()).toEqual(['prod/api']);
  });

  it('serves a second run of the same connection from the cache', async () => {
    const props = {
      url: apiUrl,
      method: 'GET',
      headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api:SecretString:token}}' },
      body: undefined,
    };
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

  it('uses a corrected secret key at once instead of the rejected one', async () => {
    const props = {
      url: apiUrl,
      method: 'GET',
      headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api:SecretString:token}}' },
      body: undefined,
    };
    const failure = await runAction(sendRequest, { ...goodAuth(), secretAccessKey: 'typo' }, props).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SecretResolutionError);
    expect((failure as SecretResolutionError).issues.map((issue) => issue.code)).toEqual([
      'invalid_credentials',
    ]);

    await runAction(sendRequest, goodAuth(), props);

    expect(received.map((request) => request.headers.authorization)).toEqual([`Bearer ${API_TOKEN}`]);
  });

  it('fails before sending anything when a reference fails, naming each path and never the value', async () => {
    const error = await runAction(sendRequest, goodAuth(), {
      url: apiUrl,
      method: 'GET',
      headers: {
        Authorization: 'Bearer {{resolve:secretsmanager:prod/db:SecretString:token}}',
        'X-Raw': '{{aws-prod|ap_sep_v1|prod/raw:key}}',
        'X-Ok': '{{aws-prod|ap_sep_v1|prod/db:password}}',
      },
      body: undefined,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretResolutionError);
    const issues = (error as SecretResolutionError).issues;
    expect(issues.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: ['Authorization'], code: 'json_key_not_found' },
      { path: ['X-Raw'], code: 'not_json' },
    ]);
    expect((error as Error).message).toContain('Authorization');
    expect((error as Error).message).toContain('X-Raw');
    expectNoCanary(error);
    expect(received).toEqual([]);
  });
});

describe('check_references action', () => {
  it('reports every reference, where it is and why it fails, without any value', async () => {
    const output = await runAction(checkReferences, goodAuth(), {
      value: {
        props: {
          user: '{{aws-prod|ap_sep_v1|prod/db:username}}',
          password: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
          url: 'postgres://app:{{resolve:secretsmanager:prod/db:SecretString:pass}}@db/orders',
        },
        hooks: [
          '{{resolve:secretsmanager:prod/missing}}',
          '{{resolve:secretsmanager:prod/raw:SecretString:key}}',
        ],
        greeting: 'Order {{trigger.body.id}} received',
      },
    });

    expect(output).toMatchObject({
      ok: false,
      total: 5,
      failed: 3,
      references: [
        { at: 'props.user', ok: true },
        { at: 'props.password', ok: true },
        { at: 'props.url', ok: false, code: 'json_key_not_found' },
        { at: 'hooks[0]', ok: false, code: 'secret_not_found' },
        { at: 'hooks[1]', ok: false, code: 'not_json' },
      ],
    });
    expect(JSON.stringify(output)).not.toContain('orders_app');
    expectNoCanary(output);
  });

  it('reports all references ok for a clean value', async () => {
    const output = await runAction(checkReferences, goodAuth(), {
      value: { token: '{{resolve:secretsmanager:prod/api:SecretString:token}}' },
    });

    expect(output).toEqual({
      ok: true,
      total: 1,
      failed: 0,
      references: [{ at: 'token', ref: '{{resolve:secretsmanager:prod/api:SecretString:token}}', ok: true }],
    });
  });
});
