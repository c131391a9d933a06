import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import pTimeout from 'p-timeout';
import { SecretRefConfigError, SecretRefError } from '../../errors.js';
import { createRedisSecretCache, type FleetInvalidation } from '../../redis/index.js';
import { type RedisSecretCacheOptions, resolveRedisOptions } from '../../redis/options.js';
import { type CliCommand, referenceArgument } from '../command.js';
import { CliUsageError } from '../io.js';
import { stringValue } from '../options.js';
import {
  CACHE_KEY_VARIABLE,
  connectRedis,
  REDIS_URL_VARIABLE,
  type RedisLoader,
  redisUrl,
} from '../redis-connect.js';
import { plural } from '../report.js';

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
  run: (context) => clearCache(context),
};

/** The `cache` command's work, with the node-redis loader as a seam for tests. */
export async function clearCache(
  { io, values, args, signal }: Parameters<CliCommand['run']>[0],
  load?: RedisLoader,
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
    if (signal?.aborted === true) throw signal.reason;
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
    if (signal?.aborted === true) throw signal.reason;
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
