import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAuthorization } from '../../../src/testing/sigv4.js';
import type {
  HostileAnswer,
  HostileEndpoint,
  HostileHandler,
  HostileRequest,
  HostileResponseRecord,
} from './types.js';

/** The service part of `X-Amz-Target` (Secrets Manager's or Parameter Store's), dropped from `action`. */
const TARGET_PREFIX = /^(secretsmanager|AmazonSSM)\./;
const JSON_TYPE = 'application/x-amz-json-1.1';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseInput(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Not JSON: the handler sees an empty input.
  }
  return {};
}

function regionOf(header: string | undefined): string | undefined {
  try {
    return parseAuthorization(header).region;
  } catch {
    return undefined;
  }
}

function bodyOf(answer: HostileAnswer): string {
  if (answer.raw !== undefined) return answer.raw;
  if (answer.body !== undefined) return JSON.stringify(answer.body);
  if (answer.errorType !== undefined) return JSON.stringify({ __type: answer.errorType, Message: 'hostile' });
  return '{}';
}

/**
 * Starts a Secrets Manager endpoint on 127.0.0.1 that answers whatever its handler says: any JSON shape, any
 * order, entries of other accounts, repeated tokens, slow or trickled bodies. Signatures are not checked.
 * For tests of how the provider treats answers it must not trust.
 * @example
 *   const hostile = await startHostileEndpoint(() => ({ body: { SecretBinary: 200000000 } }));
 *   const provider = createAwsProvider({ endpoint: hostile.endpoint, region: hostile.region, ...hostile.credentials });
 */
export async function startHostileEndpoint(
  initial: HostileHandler = () => ({ body: {} }),
  options: { region?: string; accountId?: string } = {},
): Promise<HostileEndpoint> {
  let handler = initial;
  const requests: HostileRequest[] = [];
  const responses: HostileResponseRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let waiters: { count: number; resolve: () => void }[] = [];
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  const record = (entry: HostileResponseRecord): void => {
    responses.push(entry);
    waiters = waiters.filter((waiter) => {
      if (responses.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const request: HostileRequest = {
      action: target.replace(TARGET_PREFIX, ''),
      input: parseInput(body),
      region: regionOf(req.headers.authorization),
      index: requests.length,
      raw: {
        method: req.method ?? 'POST',
        url: req.url ?? '/',
        headers: Object.fromEntries(
          Object.entries(req.headers).flatMap(([key, value]) =>
            typeof value === 'string'
              ? [[key, value]]
              : Array.isArray(value)
                ? [[key, value.join(', ')]]
                : [],
          ),
        ),
        body,
      },
    };
    requests.push(request);
    const answer = await handler(request);
    if (answer.delayMs !== undefined) await wait(answer.delayMs);
    if (answer.drop === true) {
      req.socket.destroy();
      record({ action: request.action, bytesSent: 0, bytesTotal: 0, closedByClient: false });
      return;
    }
    const text = Buffer.from(bodyOf(answer), 'utf8');
    const headers: Record<string, string | number> = {
      'content-type': JSON_TYPE,
      'x-amzn-requestid': randomUUID(),
    };
    if (answer.trickle === undefined) headers['content-length'] = text.length;
    if (answer.errorType !== undefined) headers['x-amzn-errortype'] = answer.errorType;
    const entry = { action: request.action, bytesSent: 0, bytesTotal: text.length, closedByClient: false };
    res.on('close', () => {
      entry.closedByClient = !res.writableFinished;
      record(entry);
    });
    res.writeHead(answer.status ?? (answer.errorType === undefined ? 200 : 400), headers);
    if (answer.trickle === undefined) {
      entry.bytesSent = text.length;
      res.end(text);
      return;
    }
    res.flushHeaders();
    const step = Math.max(1, answer.trickle.chunkBytes ?? 1);
    for (let at = 0; at < text.length; at += step) {
      if (res.destroyed) return;
      if (at > 0) await wait(answer.trickle.intervalMs);
      if (res.destroyed) return;
      const chunk = text.subarray(at, at + step);
      res.write(chunk);
      entry.bytesSent += chunk.length;
    }
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
    credentials: { accessKeyId: 'AKIAHOSTILE000000001', secretAccessKey: 'hostile/test/secret/key' },
    requests,
    responses,
    setHandler(next) {
      handler = next;
      requests.length = 0;
      responses.length = 0;
    },
    settled: (count) =>
      responses.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push({ count, resolve });
          }),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
