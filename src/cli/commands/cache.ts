import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import pTimeout, { TimeoutError } from 'p-timeout';
import { SecretRefConfigError, SecretRefError } from '../../errors.js';
import { createRedisSecretCache, type FleetInvalidation } from '../../redis/index.js';
import { type RedisSecretCacheOptions, resolveRedisOptions } from '../../redis/options.js';
import { type CliCommand, type CommandContext, referenceArgument } from '../command.js';
import { CliUsageError } from '../io.js';
import { stringValue } from '../options.js';
import { plural } from '../report.js';

/**
 * The environment variable that holds the shared cache's encryption key (base64; several, comma-separated, while
 * keys rotate). Never a flag: a flag shows in `ps` and in shell history.
 */
const CACHE_KEY_VARIABLE = 'SECRET_REFS_CACHE_KEY';

/** The environment variable read when `--redis-url` is not given (a URL with a password stays out of `ps`). */
const REDIS_URL_VARIABLE = 'SECRET_REFS_REDIS_URL';

/** How long each Redis step (connect, record the invalidation) may take unless `--timeout` says otherwise. */
const DEFAULT_TIMEOUT_MS = 2_000;
/** The longest `operationTimeoutMs` the shared tier accepts. */
const MAX_TIMEOUT_MS = 10_000;

/**
 * `secret-refs cache clear [<secret-id>] --redis-url URL [--namespace NS]`: drops one secret, or the whole
 * namespace, from the shared Redis cache of a fleet and from every process listening on it.
 */
export const cacheCommand: CliCommand = {
  name: 'cache',
  argsUsage: 'clear [<secret-id>]',
  summary: 'Clear one secret (or a whole namespace) from the shared Redis cache, fleet-wide',
  details: `Drops the secret from the shared cache that createRedisSecretCache keeps in Redis — by any id
form it was read by (name, full or partial ARN), in every scope — and from the in-process cache of
every process listening; with no <secret-id>, every entry of the namespace. <secret-id> may be any
form get reads (db/prod, db/prod:password, an ARN, {{resolve:…}}): the whole secret is cleared. The
next read of each process goes to AWS. The encryption key comes from ${CACHE_KEY_VARIABLE} (base64, as the workers
use it; several, comma-separated, while keys rotate), never from a flag. Needs the redis package
(node-redis 5 or later). With rediss:// the server's certificate must be signed by a CA Node trusts, by
one in NODE_EXTRA_CA_CERTS, or by the one --redis-ca names. --timeout bounds each Redis step (default ${DEFAULT_TIMEOUT_MS} ms, at most
${MAX_TIMEOUT_MS}). Prints how many entries were removed and how many listening processes were told. Exit 0
when Redis recorded it and processes reading the namespace use this key; 1 when Redis did not record it
(timeout, network), when no process reading the namespace uses this key (they would ignore the clear), or
when no process has read the namespace (a misspelt --namespace); 2 on bad usage (no key, a bad URL or
namespace).`,
  options: {
    'redis-url': {
      type: 'string',
      valueName: '<url>',
      description: `Redis to clear: redis:// or rediss:// (default: ${REDIS_URL_VARIABLE})`,
    },
    namespace: {
      type: 'string',
      valueName: '<ns>',
      description: 'The namespace the workers use (default: default)',
    },
    'redis-ca': {
      type: 'string',
      valueName: '<file>',
      description: 'For rediss://: a CA certificate (PEM) to trust besides NODE_EXTRA_CA_CERTS',
    },
  },
  globalOptions: ['timeout', 'help', 'version'],
  minArgs: 1,
  maxArgs: 2,
  run: clearCache,
};

/** The `cache` command's work, with the node-redis loader as a seam for tests. */
export async function clearCache(
  { io, values, args, signal }: CommandContext,
  load: () => Promise<unknown> = () => import('redis'),
): Promise<number> {
  const [action, given] = args;
  if (action !== 'clear') {
    throw new CliUsageError(
      action === undefined ? 'cache needs clear' : `unknown cache action "${action}": use clear`,
    );
  }
  // Whatever JSON key or version the reference picks, the whole secret is cleared.
  const secretId = given === undefined ? undefined : referenceArgument(given, 'secret id').secretId;
  const timeoutMs = timeoutOption(values.timeout);
  const options = checkedOptions(io.env[CACHE_KEY_VARIABLE], values.namespace, timeoutMs);
  const url = redisUrl(stringValue(values, 'redis-url') ?? io.env[REDIS_URL_VARIABLE]);
  const caPath = stringValue(values, 'redis-ca');
  const ca = caPath === undefined ? undefined : await caFile(caPath);
  const client = await connectRedis(url, { timeoutMs, signal, ca }, load);
  const cache = createRedisSecretCache({ ...options, client });
  let result: FleetInvalidation;
  try {
    // Listening first, so that the count of processes told leaves this one out exactly; a subscription that does
    // not come in time only makes the count one too high.
    await untilListening(cache, Date.now() + timeoutMs, signal);
    // The tier bounds each command by `operationTimeoutMs`; the outer bound covers a Redis that stops answering.
    const done = secretId === undefined ? cache.clearNamespace() : cache.invalidateSecret(secretId);
    result = await pTimeout(done, { milliseconds: timeoutMs * 2, signal });
  } catch (error) {
    signal?.throwIfAborted();
    const code = error instanceof SecretRefError ? error.code : 'timeout';
    throw new SecretRefError(
      code === 'network' ? 'network' : 'timeout',
      `Redis at ${url.host} did not record the ${secretId === undefined ? 'clear' : 'invalidation'}; it may not reach every process: run it again`,
    );
  } finally {
    await pTimeout(cache.close(), { milliseconds: timeoutMs }).catch(() => undefined);
    client.destroy();
  }
  const namespace = options.namespace ?? 'default';
  const told = `${plural(result.processes, 'listening process', 'listening processes')} told`;
  io.stdout.write(
    secretId === undefined
      ? `cleared namespace ${namespace}: every entry made unreadable in Redis, ${told}\n`
      : `cleared ${secretId} in namespace ${namespace}: ${plural(result.removed, 'entry', 'entries')} removed from Redis (every id form and scope), ${told}\n`,
  );
  const problem = unconfirmed(result, namespace);
  if (problem === undefined) return 0;
  io.stderr.write(`secret-refs: ${problem}\n`);
  return 1;
}

async function untilListening(
  cache: { isListening(): boolean },
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  while (!cache.isListening() && Date.now() < deadline) {
    signal?.throwIfAborted();
    await delay(5);
  }
}

/** What the clear could not do, from the namespace's key marker (see FleetInvalidation.keyInUse). */
function unconfirmed(result: FleetInvalidation, namespace: string): string | undefined {
  if (result.keyInUse === 'yes') return undefined;
  if (result.keyInUse === 'other-key') {
    return `no process reading namespace ${namespace} uses this ${CACHE_KEY_VARIABLE}: they ignore the clear and keep serving their copies (use the workers' key)`;
  }
  return `no process has read namespace ${namespace} since Redis was last emptied: check --namespace (the workers' namespace), or start a worker first`;
}

/** The PEM text of `--redis-ca`; a file that cannot be read is bad usage. */
async function caFile(path: string): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
  } catch {
    // reported below, with the option's name
  }
  throw new CliUsageError('option --redis-ca must name a readable file of PEM certificates');
}

function timeoutOption(value: string | boolean | undefined): number {
  // `--timeout` has been checked as a whole number (1 or more) by the command line already.
  if (typeof value !== 'string') return DEFAULT_TIMEOUT_MS;
  const ms = Number(value.trim());
  if (ms > MAX_TIMEOUT_MS)
    throw new CliUsageError(`option --timeout must be at most ${MAX_TIMEOUT_MS} for cache`);
  return ms;
}

/** The cache options, checked before anything connects; the key itself is never part of a message. */
function checkedOptions(
  key: string | undefined,
  namespace: string | boolean | undefined,
  operationTimeoutMs: number,
): Omit<RedisSecretCacheOptions, 'client'> {
  if (key === undefined || key.trim() === '') {
    throw new CliUsageError(
      `${CACHE_KEY_VARIABLE} is not set: export the cache's encryption key (base64), the one the workers use`,
    );
  }
  const keys = key.split(',').map((part) => part.trim());
  const options = {
    encryptionKey: keys.length === 1 ? (keys[0] ?? '') : keys,
    ...(typeof namespace === 'string' ? { namespace } : {}),
    operationTimeoutMs,
  };
  try {
    resolveRedisOptions({ ...options, client: undefined });
  } catch (error) {
    if (!(error instanceof SecretRefConfigError)) throw error;
    if (error.option === 'namespace') {
      throw new CliUsageError('option --namespace must be 1 to 64 letters, digits, ".", "_" or "-"');
    }
    throw new CliUsageError(
      `${CACHE_KEY_VARIABLE} must hold 32 bytes as base64 (openssl rand -base64 32), comma-separated while keys rotate`,
    );
  }
  return options;
}

/**
 * The Redis URL, checked: `redis://` or `rediss://` with a host. The message of a bad one never quotes it (it may
 * hold a password).
 */
function redisUrl(text: string | undefined): URL {
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

/** A node-redis client or cluster, as far as the CLI uses it. */
interface RedisClient {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  destroy(): void;
}

/**
 * Connects node-redis (loaded only now: it is an optional peer dependency) to `url` within `timeoutMs`, with no
 * reconnection: a command-line run either reaches Redis or says why. `rediss://` verifies the server's certificate
 * against Node's CAs (with `NODE_EXTRA_CA_CERTS`) and `ca` (PEM). Failures are `SecretRefError`s (`network`,
 * `timeout`) naming the host and port, never the password; a missing `redis` package is a usage error.
 */
async function connectRedis(
  url: URL,
  { timeoutMs, signal, ca }: { timeoutMs: number; signal: AbortSignal | undefined; ca: string | undefined },
  load: () => Promise<unknown>,
): Promise<RedisClient> {
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
  /** Destroys `client` after a failed step; throws the signal's reason, or returns the failure, named. */
  const failure = (client: RedisClient, error: unknown): SecretRefError => {
    try {
      client.destroy();
    } catch {
      // never connected: nothing to release
    }
    signal?.throwIfAborted();
    return connectFailure(url, error, timeoutMs);
  };
  const connect = async (client: RedisClient): Promise<RedisClient> => {
    // Without a listener, a socket error would be thrown from the event emitter and end the process.
    client.on('error', () => undefined);
    await pTimeout(client.connect(), { milliseconds: timeoutMs, signal }).catch((error: unknown) => {
      throw failure(client, error);
    });
    return client;
  };
  const client = await connect(
    (module.createClient as (options: object) => RedisClient)({
      url: url.href,
      disableClientInfo: true,
      socket,
    }),
  );
  const info = await pTimeout(client.sendCommand(['INFO', 'cluster']), {
    milliseconds: timeoutMs,
    signal,
  }).catch((error: unknown) => {
    // A user whose ACL denies INFO (an error reply, NOPERM) is taken to be on one server, as before.
    if (error instanceof Error && /^[A-Z]{3,}\b/.test(error.message)) return '';
    throw failure(client, error);
  });
  if (!/^cluster_enabled:1/m.test(String(info)) || typeof module.createCluster !== 'function') return client;
  // A cluster node: the namespace's keys and channel live on the node of their slot, which may be another one.
  client.destroy();
  return connect(
    (module.createCluster as (options: object) => RedisClient)({
      rootNodes: [{ url: url.href }],
      defaults: {
        disableClientInfo: true,
        ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
        ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
        socket,
      },
    }),
  );
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
