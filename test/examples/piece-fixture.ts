import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type AwsSecretsAuthValue, connectionManagers } from '../../examples/activepieces-piece/manager.js';
import { SecretRefError } from '../../src/errors.js';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../src/testing/index.js';
import { CANARY } from '../support/canary.js';

// Shared by the piece's test files. Every action runs through runAction, which hands it its props as the
// Activepieces engine delivers them (examples/activepieces-piece/engine-props.ts, tested in engine-props.test.ts),
// not as they were typed. Each test file maps 'secret-refs' to src/ with
// `vi.mock('secret-refs', () => import('../../src/index.js'))` (tsx and tsc read the tsconfig.json paths; Vitest
// does not).

export const API_TOKEN = 'tok_live_51HxQ2eZvKYlo2C';
export const CLIENT_ID = 'client-8842';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The running stand-ins of one test file: the local Secrets Manager endpoint and the HTTP API that send_request calls. */
export interface PieceFixture {
  readonly local: LocalSecretsManager;
  readonly apiUrl: string;
  /** Requests the API received in the current test. */
  readonly received: ReceivedRequest[];
  /** The connection that the local endpoint accepts. */
  goodAuth(): AwsSecretsAuthValue;
  /** Secret ids read from the endpoint in the current test. */
  secretReads(): string[];
}

/**
 * Starts the stand-ins for the calling test file, and resets requests and the worker's managers before each test.
 * @example
 *   const fixture = usePieceFixture();
 *   it('…', async () => { await runAction(sendRequest, fixture.goodAuth(), props); });
 */
export function usePieceFixture(): PieceFixture {
  let local: LocalSecretsManager | undefined;
  let api: Server | undefined;
  let apiUrl = '';
  let received: ReceivedRequest[] = [];

  beforeAll(async () => {
    local = await startLocalSecretsManager({
      secrets: [
        { name: 'prod/api', secretString: JSON.stringify({ token: API_TOKEN, clientId: CLIENT_ID }) },
        { name: 'prod/db', secretString: JSON.stringify({ username: 'orders_app', password: CANARY }) },
        { name: 'prod/raw', secretString: `not json ${CANARY}` },
      ],
    });
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body,
        });
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ accepted: true }));
      });
    });
    api = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) => api?.close((error) => (error ? reject(error) : resolve())));
    await local?.close();
  });

  beforeEach(() => {
    received = [];
    local?.resetRequests();
    connectionManagers.delete();
  });

  const running = (): LocalSecretsManager => {
    if (local === undefined) throw new Error('the piece fixture is not started');
    return local;
  };
  return {
    get local() {
      return running();
    },
    get apiUrl() {
      return apiUrl;
    },
    get received() {
      return received;
    },
    goodAuth: () => ({
      region: running().region,
      accessKeyId: running().credentials.accessKeyId,
      secretAccessKey: running().credentials.secretAccessKey,
      endpoint: running().endpoint,
    }),
    secretReads: () =>
      running()
        .requests.filter(
          (request) => request.action === 'GetSecretValue' || request.action === 'BatchGetSecretValue',
        )
        .flatMap((request) => request.secretIds),
  };
}

/**
 * The `SecretRefError` that `run` rejects with; fails the test when it resolves or rejects with anything else.
 * @example
 *   const error = await failure(runAction(sendRequest, auth, props));
 */
export async function failure(run: Promise<unknown>): Promise<SecretRefError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SecretRefError)) throw new Error(`expected a SecretRefError, got ${String(error)}`);
  return error;
}
