import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HttpResponse } from '@smithy/protocol-http';

/** Counts of the calls a {@link BenchClient} answered, by action. */
export interface CallCounts {
  GetSecretValue: number;
  BatchGetSecretValue: number;
  /** Calls answered with `AccessDeniedException` (a denied batch). */
  denied: number;
  total: number;
}

/** A real `SecretsManagerClient` whose HTTP layer answers from memory after a simulated latency. */
export interface BenchClient {
  client: SecretsManagerClient;
  readonly calls: CallCounts;
  resetCalls(): void;
  /** Latency added to every answer, in milliseconds; may change between scenarios. */
  latencyMs: number;
  /** When true, `BatchGetSecretValue` is refused with `AccessDeniedException`, as under a GetSecretValue-only policy. */
  denyBatch: boolean;
  /** Creates or replaces a secret string. */
  put(name: string, value: string): void;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const VERSION = '00000000-0000-4000-8000-000000000001';
const decoder = new TextDecoder();

function entry(name: string, value: string): Record<string, unknown> {
  return {
    ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`,
    Name: name,
    VersionId: VERSION,
    SecretString: value,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: 1_700_000_000,
  };
}

function answer(status: number, body: unknown, errorType?: string): { response: HttpResponse } {
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': 'bench',
  };
  if (errorType !== undefined) headers['x-amzn-errortype'] = errorType;
  return {
    response: new HttpResponse({ statusCode: status, headers, body: Buffer.from(JSON.stringify(body)) }),
  };
}

/** A flat copy of `text`, so that serialising it later allocates nothing that stays (a rope is flattened in place). */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * Builds the client both libraries share in the benchmark. Its `requestHandler` replaces only the network: every
 * call still goes through the whole SDK stack (serialisation, SigV4 signing, retries, deserialisation).
 * @example
 *   const bench = createBenchClient({ latencyMs: 20 });
 *   bench.put('db', '{"password":"x"}');
 */
export function createBenchClient(options: { latencyMs?: number } = {}): BenchClient {
  const secrets = new Map<string, string>();
  const calls: CallCounts = { GetSecretValue: 0, BatchGetSecretValue: 0, denied: 0, total: 0 };
  const state = { latencyMs: options.latencyMs ?? 0, denyBatch: false };

  const respond = (action: string, input: Record<string, unknown>): { response: HttpResponse } => {
    calls.total++;
    if (action === 'GetSecretValue') {
      calls.GetSecretValue++;
      const name = String(input.SecretId);
      const value = secrets.get(name);
      if (value === undefined) {
        return answer(
          400,
          { __type: 'ResourceNotFoundException', message: 'not found' },
          'ResourceNotFoundException',
        );
      }
      return answer(200, entry(name, value));
    }
    if (action === 'BatchGetSecretValue') {
      calls.BatchGetSecretValue++;
      if (state.denyBatch) {
        calls.denied++;
        return answer(400, { __type: 'AccessDeniedException', message: 'denied' }, 'AccessDeniedException');
      }
      const ids = (input.SecretIdList as string[] | undefined) ?? [];
      const values = ids.flatMap((id) => {
        const value = secrets.get(id);
        return value === undefined ? [] : [entry(id, value)];
      });
      const errors = ids
        .filter((id) => !secrets.has(id))
        .map((id) => ({ SecretId: id, ErrorCode: 'ResourceNotFoundException', Message: 'not found' }));
      return answer(200, { SecretValues: values, Errors: errors });
    }
    return answer(400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
  };

  const requestHandler = {
    async handle(request: { headers: Record<string, string>; body?: unknown }) {
      const target = request.headers['x-amz-target'] ?? '';
      const action = target.slice(target.indexOf('.') + 1);
      const text =
        typeof request.body === 'string' ? request.body : decoder.decode(request.body as Uint8Array);
      const input = JSON.parse(text || '{}') as Record<string, unknown>;
      if (state.latencyMs > 0) await new Promise((done) => setTimeout(done, state.latencyMs));
      return respond(action, input);
    },
    updateHttpClientConfig(): void {},
    httpHandlerConfigs(): Record<string, never> {
      return {};
    },
  };

  const client = new SecretsManagerClient({
    region: REGION,
    credentials: { accessKeyId: 'AKIABENCH0000000000', secretAccessKey: 'bench-secret-access-key' },
    maxAttempts: 1,
    requestHandler,
  });

  return {
    client,
    calls,
    resetCalls() {
      calls.GetSecretValue = 0;
      calls.BatchGetSecretValue = 0;
      calls.denied = 0;
      calls.total = 0;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = value;
    },
    get denyBatch() {
      return state.denyBatch;
    },
    set denyBatch(value: boolean) {
      state.denyBatch = value;
    },
    put(name, value) {
      secrets.set(name, flat(value));
    },
  };
}
