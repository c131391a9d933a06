import pTimeout, { TimeoutError } from 'p-timeout';
import { SecretRefError } from '../errors.js';
import { CliUsageError } from './io.js';

/**
 * The environment variable that holds the shared cache's encryption key (base64; several, comma-separated, while
 * keys rotate). Never a flag: a flag shows in `ps` and in shell history.
 */
export const CACHE_KEY_VARIABLE = 'SECRET_REFS_CACHE_KEY';

/** The environment variable read when `--redis-url` is not given (a URL with a password stays out of `ps`). */
export const REDIS_URL_VARIABLE = 'SECRET_REFS_REDIS_URL';

/** A connected node-redis client, as far as the CLI uses it. */
interface CliRedisClient {
  destroy(): void;
}

/** Loads node-redis; a seam for tests. */
export type RedisLoader = () => Promise<unknown>;

/**
 * The Redis URL, checked: `redis://` or `rediss://` with a host. The message of a bad one never quotes it (it may
 * hold a password).
 */
export function redisUrl(text: string | undefined): URL {
  if (text === undefined || text.trim() === '') {
    throw new CliUsageError(`cache clear needs --redis-url <url> (or ${REDIS_URL_VARIABLE})`);
  }
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new CliUsageError('option --redis-url must be a redis:// or rediss:// URL');
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new CliUsageError('option --redis-url must be a redis:// or rediss:// URL with a host');
  }
  return url;
}

/** How the CLI connects: the bound on connecting, the run's signal, and for `rediss://` a private CA (PEM). */
interface RedisConnectOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Trusted besides Node's CAs (which include `NODE_EXTRA_CA_CERTS`). */
  ca?: string;
}

/**
 * Connects node-redis (loaded only now: it is an optional peer dependency) to `url` within `timeoutMs`, with no
 * reconnection: a command-line run either reaches Redis or says why. `rediss://` verifies the server's certificate
 * against Node's CAs (with `NODE_EXTRA_CA_CERTS`) and `ca`. Failures are `SecretRefError`s (`network`, `timeout`)
 * naming the host and port, never the password; a missing `redis` package is a usage error.
 */
export async function connectRedis(
  url: URL,
  { timeoutMs, signal, ca }: RedisConnectOptions,
  load: RedisLoader = () => import('redis'),
): Promise<CliRedisClient> {
  let module: { createClient?: unknown; createCluster?: unknown };
  try {
    module = (await load()) as { createClient?: unknown; createCluster?: unknown };
  } catch {
    throw new CliUsageError(
      'cache clear needs the node-redis package: npm install redis (version 5 or later)',
    );
  }
  if (typeof module.createClient !== 'function') {
    throw new CliUsageError('the installed redis package has no createClient: install redis 5 or later');
  }
  // The same for the node of the URL and, on a cluster, every node it leads to (they inherit nothing from the URL).
  const socket = {
    connectTimeout: timeoutMs,
    reconnectStrategy: false,
    ...(url.protocol === 'rediss:' ? { tls: true, ...(ca === undefined ? {} : { ca }) } : {}),
  };
  const client = (module.createClient as (options: object) => Connected)({
    url: url.href,
    disableClientInfo: true,
    socket,
  });
  await connected(client, url, timeoutMs, signal);
  let info: unknown;
  try {
    info = await pTimeout(client.sendCommand(['INFO', 'cluster']), { milliseconds: timeoutMs, signal });
  } catch (error) {
    // A user whose ACL denies INFO (an error reply, NOPERM) is taken to be on one server, as before.
    if (error instanceof Error && /^[A-Z]{3,}\b/.test(error.message)) return client;
    client.destroy();
    if (signal?.aborted === true) throw signal.reason;
    throw connectFailure(url, error, timeoutMs);
  }
  if (!/^cluster_enabled:1/m.test(String(info)) || typeof module.createCluster !== 'function') return client;
  // A cluster node: the namespace's keys and channel live on the node of their slot, which may be another one.
  client.destroy();
  const whole = (module.createCluster as (options: object) => Connected)({
    rootNodes: [{ url: url.href }],
    defaults: {
      disableClientInfo: true,
      ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
      ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
      socket,
    },
  });
  await connected(whole, url, timeoutMs, signal);
  return whole;
}

interface Connected extends CliRedisClient {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
}

/** Connects `client` within `timeoutMs`; on failure destroys it and throws the failure, named. */
async function connected(
  client: Connected,
  url: URL,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  // Without a listener, a socket error would be thrown from the event emitter and end the process.
  client.on('error', () => undefined);
  try {
    await pTimeout(client.connect(), { milliseconds: timeoutMs, signal });
  } catch (error) {
    try {
      client.destroy();
    } catch {
      // never connected: nothing to release
    }
    if (signal?.aborted === true) throw signal.reason;
    throw connectFailure(url, error, timeoutMs);
  }
}

function connectFailure(url: URL, error: unknown, timeoutMs: number): SecretRefError {
  const where = `Redis at ${url.host}`;
  if (error instanceof TimeoutError) {
    return new SecretRefError('timeout', `${where} did not answer within ${timeoutMs} ms (raise --timeout)`);
  }
  const code = (error as { code?: unknown } | null)?.code;
  // Node's TLS verification codes (SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID…).
  if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|^ERR_TLS/.test(code)) {
    return new SecretRefError(
      'network',
      `${where} presented a TLS certificate that is not trusted (${code}): give its CA with --redis-ca <file> or NODE_EXTRA_CA_CERTS`,
    );
  }
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new SecretRefError('network', `cannot connect to ${where} (${code})`);
  }
  // A Redis error reply starts with its code in capitals (WRONGPASS, NOAUTH, NOPERM); the rest is not needed.
  const message = error instanceof Error ? error.message : '';
  const reply = /^([A-Z]{3,})\b/.exec(message)?.[1];
  return new SecretRefError(
    'network',
    reply === undefined ? `cannot connect to ${where}` : `${where} refused the connection (${reply})`,
  );
}
