import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { actions } from './actions.js';
import { AwsError, awsErrors } from './aws-error.js';
import type { ActionContext, ActionHandler, Input } from './input.js';
import { ParameterStore } from './parameters.js';
import { parseAuthorization, verifyRequest } from './sigv4.js';
import { ssmActions } from './ssm-actions.js';
import { partitionOf, SecretStore } from './store.js';
import type {
  Fault,
  LocalCredentials,
  LocalSecretsManager,
  LocalSecretsManagerOptions,
  RecordedRequest,
} from './types.js';

const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPE = 'application/x-amz-json-1.1';

/** Credentials the endpoint accepts when none are given. */
export const DEFAULT_LOCAL_CREDENTIALS: Readonly<LocalCredentials> = Object.freeze({
  accessKeyId: 'AKIALOCALTEST0000001',
  secretAccessKey: 'local/test/secret/access/key/000000000000',
});

/** One AWS service the endpoint speaks: its `X-Amz-Target` prefix, operations, logged ids and denied resource. */
interface Service {
  prefix: string;
  name: RecordedRequest['service'];
  actions: ReadonlyMap<string, ActionHandler>;
  idsOf(input: Input): string[];
  resourceOf(input: Input, ctx: ActionContext): string;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];

const SECRETS_MANAGER: Service = {
  prefix: 'secretsmanager.',
  name: 'secretsmanager',
  actions,
  idsOf: (input) => (typeof input.SecretId === 'string' ? [input.SecretId] : strings(input.SecretIdList)),
  resourceOf: (input, ctx) =>
    typeof input.SecretId === 'string' ? (ctx.store.find(input.SecretId)?.arn ?? input.SecretId) : '*',
};

const PARAMETER_STORE: Service = {
  prefix: 'AmazonSSM.',
  name: 'ssm',
  actions: ssmActions,
  idsOf(input) {
    if (typeof input.Name === 'string') return [input.Name];
    return typeof input.Path === 'string' ? [input.Path] : strings(input.Names);
  },
  resourceOf: (input, ctx) => (typeof input.Name === 'string' ? ctx.parameters.arnOf(input.Name) : '*'),
};

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

function parseInput(body: Buffer | undefined): Input | AwsError {
  if (body === undefined) return awsErrors.serialization();
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Input;
  } catch {
    // The parser's message quotes the body, which may hold a secret: it is never passed on.
  }
  return awsErrors.serialization();
}

function send(res: ServerResponse, status: number, payload: unknown, errorType?: string): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(payload);
  const headers: Record<string, string | number> = {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  };
  if (errorType !== undefined) {
    headers['x-amzn-errortype'] =
      `${errorType}:http://internal.amazon.com/coral/com.amazonaws.secretsmanager/`;
  }
  res.writeHead(status, headers);
  res.end(text);
}

function validateOptions(options: LocalSecretsManagerOptions): void {
  const { region, accountId, port, credentials } = options;
  if (region !== undefined && !/^[a-z0-9-]+$/.test(region))
    throw new TypeError('`region` must look like us-east-1');
  if (accountId !== undefined && !/^\d{12}$/.test(accountId))
    throw new TypeError('`accountId` must be 12 digits');
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new RangeError('`port` must be an integer from 0 to 65535');
  }
  const keys = credentials === undefined ? [] : [credentials.accessKeyId, credentials.secretAccessKey];
  if (keys.some((key) => typeof key !== 'string' || key === '')) {
    throw new TypeError('`credentials` needs a non-empty `accessKeyId` and `secretAccessKey`');
  }
}

const FAULT_KINDS = new Set(['throttle', 'http500', 'delay', 'drop', 'accessDenied']);

/** @throws TypeError or RangeError naming the bad field of a fault. */
function validateFault(fault: Fault): void {
  if (fault === null || typeof fault !== 'object' || !FAULT_KINDS.has(fault.kind)) {
    throw new TypeError(`\`fault.kind\` must be one of ${[...FAULT_KINDS].join(', ')}`);
  }
  const times = fault.times ?? 1;
  if (typeof times !== 'number' || !(times >= 1)) throw new RangeError('`fault.times` must be 1 or more');
  if (fault.kind === 'delay' && !(Number.isFinite(fault.ms) && fault.ms >= 0)) {
    throw new RangeError('`fault.ms` must be a finite number of milliseconds, 0 or more');
  }
}

/**
 * Starts an HTTP server on 127.0.0.1 that answers the AWS Secrets Manager JSON protocol and Parameter Store's
 * (`AmazonSSM.*`: GetParameter, GetParameters, GetParametersByPath, PutParameter, LabelParameterVersion,
 * DeleteParameter; String, StringList, SecureString under a stand-in KMS key) with SigV4 checks, seeded secrets and
 * parameters and injectable faults, so the real SDKs can be tested offline. Both clients take its `endpoint`.
 * @example
 * const sm = await startLocalSecretsManager({ secrets: [{ name: 'db', secretString: '{"password":"pw"}' }] });
 * const client = new SecretsManagerClient({ endpoint: sm.endpoint, region: sm.region, credentials: sm.credentials });
 * await sm.close();
 */
export async function startLocalSecretsManager(
  options: LocalSecretsManagerOptions = {},
): Promise<LocalSecretsManager> {
  validateOptions(options);
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const credentials: LocalCredentials = { ...(options.credentials ?? DEFAULT_LOCAL_CREDENTIALS) };
  const store = new SecretStore(region, accountId);
  for (const seed of options.secrets ?? []) store.put(seed);
  const parameters = new ParameterStore(region, accountId);
  for (const seed of options.parameters ?? []) parameters.put(seed);
  // Queued faults: the first one matching a request's action applies, and counts down its `times`.
  const faults: { fault: Fault; remaining: number }[] = [];
  const takeFault = (action: string): Fault | undefined => {
    const index = faults.findIndex(({ fault }) => fault.action === undefined || fault.action === action);
    const entry = faults[index];
    if (entry !== undefined && --entry.remaining <= 0) faults.splice(index, 1);
    return entry?.fault;
  };
  let denied = new Set(options.deniedActions ?? []);
  const requests: RecordedRequest[] = [];
  const principal = `arn:${partitionOf(region)}:iam::${accountId}:user/local-test`;
  // Aborted by close(), so that a request held by a `delay` fault does not keep the server open.
  const closed = new AbortController();
  // Every delayed request listens on this one signal until the endpoint closes: a fleet's hundreds are expected.
  setMaxListeners(0, closed.signal);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const known = [SECRETS_MANAGER, PARAMETER_STORE].find(({ prefix }) => target.startsWith(prefix));
    // An unknown target is recorded, and its signature checked, as a Secrets Manager request.
    const service = known ?? SECRETS_MANAGER;
    const action = known === undefined ? target : target.slice(known.prefix.length);
    const input = parseInput(body);
    const record: RecordedRequest = {
      action,
      service: service.name,
      secretIds: input instanceof AwsError ? [] : service.idsOf(input),
      status: 0,
      region,
    };
    try {
      const auth = parseAuthorization(req.headers.authorization);
      record.region = auth.region;
      record.accessKeyId = auth.accessKeyId;
      verifyRequest(req, body ?? Buffer.alloc(0), auth, { credentials, region, service: service.name });
      const fault = takeFault(action);
      if (fault?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'delay')
        await delay(fault.ms, undefined, { signal: closed.signal }).catch(() => undefined);
      if (fault?.kind === 'throttle') throw awsErrors.throttle();
      if (fault?.kind === 'http500') throw awsErrors.internal();
      if (input instanceof AwsError) throw input;
      const handler = known?.actions.get(action);
      if (handler === undefined) throw awsErrors.unknownOperation(target);
      const ctx: ActionContext = { store, parameters, denied, principal };
      if (fault?.kind === 'accessDenied' || denied.has(action)) {
        throw awsErrors.accessDenied(principal, action, service.resourceOf(input, ctx), service.name);
      }
      record.status = 200;
      send(res, 200, handler(input, ctx));
    } catch (err) {
      // A request is not trusted: an AwsError is the answer AWS would give; anything else is its InternalFailure.
      const error = err instanceof AwsError ? err : awsErrors.internal();
      record.status = error.status;
      send(res, error.status, { __type: error.code, Message: error.message }, error.code);
    } finally {
      requests.push(record);
    }
  }

  const server = createServer((req, res) => {
    // A client that breaks off its request (or its socket) loses the connection, not the endpoint.
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    accountId,
    credentials,
    arnOf(name) {
      const secret = store.find(name);
      if (secret === undefined) throw new Error(`The local endpoint has no secret named ${name}`);
      return secret.arn;
    },
    putSecret: (seed) => store.put(seed),
    deleteSecret: (name) => store.delete(name),
    putParameter: (seed) => parameters.put(seed),
    labelParameter(name, labels, version) {
      parameters.label(name, version, labels);
    },
    deleteParameter: (name) => parameters.delete(name),
    parameterArnOf: (name) => parameters.arnOf(name),
    injectFault(fault) {
      validateFault(fault);
      faults.push({ fault, remaining: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    denyActions(list) {
      denied = new Set(list);
    },
    requests,
    resetRequests() {
      requests.length = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        closed.abort();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
