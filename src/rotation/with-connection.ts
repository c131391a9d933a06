import { isDeepStrictEqual } from 'node:util';
import QuickLRU from 'quick-lru';
import { checkOptionsObject, raceAbort } from '../abort.js';
import { SecretRefConfigError } from '../errors.js';
import { findSecretRefs } from '../resolve/find.js';
import type { SecretManagers } from '../resolve/managers.js';
import { type ResolveConnectionOptions, resolveConnection } from '../resolve/resolve-connection.js';
import type { SecretRef } from '../types.js';
import { isCommonAuthError } from './auth-error.js';

/**
 * Options of {@link withConnection}: those of `resolveConnection` (passed on to both resolves), and how to tell
 * a login failure and how often to re-read for one.
 * @example
 *   const options: WithConnectionOptions = { isAuthError: (error) => error.code === '28P01', cooldownMs: 10_000 };
 *   await withConnection(connection, manager, (resolved) => connect(resolved), options);
 */
export interface WithConnectionOptions extends ResolveConnectionOptions {
  /**
   * Says whether an error thrown by `use` means the credentials were refused. Only then are the secrets re-read.
   * A throwing test counts as false.
   * @default isCommonAuthError (PostgreSQL, MySQL, SQL Server, MongoDB, Redis login failures, HTTP 401)
   */
  isAuthError?: (error: unknown) => boolean;
  /**
   * How long after a re-read of a secret another login failure does not re-read it past the caches again: it is
   * then read from the cache (which the last re-read refreshed). Keeps a plainly wrong password from turning every
   * failing call into a call to the secret store. `0` re-reads on every login failure.
   * @default 5000
   */
  cooldownMs?: number;
}

/**
 * What `use` is told besides the resolved connection: `attempt` is 1, or 2 for the one retry after a rotation.
 * @example
 *   await withConnection(connection, manager, (resolved, { attempt }) => (attempt === 2 ? reconnect(resolved) : query(resolved)));
 */
export interface WithConnectionAttempt {
  attempt: 1 | 2;
}

/** One re-read of a secret: when it began, and a promise that settles (never rejects) when it ends. */
interface ReRead {
  at: number;
  done: Promise<void>;
}

/** Where the last re-read of one secret is remembered: the map of the manager that serves it, and its key there. */
interface ReReadSlot {
  reReads: QuickLRU<string, ReRead>;
  key: string;
}

/** The last re-reads of each manager, by owner (see `ownerOf`): the 1,000 most recent secrets each. */
const byOwner = new WeakMap<object, QuickLRU<string, ReRead>>();

/**
 * What the re-reads of a reference are kept by: the manager that serves it (for a record, its entry, so that a
 * record built anew for each call still shares the cool-down of its managers), else the `managers` value itself
 * (a lookup function). Kept in a WeakMap: dropped with the managers they belong to.
 */
function ownerOf(managers: SecretManagers, defaultManager: string | undefined, ref: SecretRef): object {
  if (
    typeof managers === 'function' ||
    typeof (managers as { getSecrets?: unknown }).getSecrets === 'function'
  ) {
    return managers;
  }
  const record = managers as Readonly<Record<string, unknown>>;
  const ids = Object.keys(record);
  const id = ref.manager ?? defaultManager ?? (ids.length === 1 ? ids[0] : undefined);
  const entry = id !== undefined && Object.hasOwn(record, id) ? record[id] : undefined;
  return typeof entry === 'object' && entry !== null ? entry : managers;
}

/**
 * The slot of each secret (service, id, stage, version, manager) among `refs`: a parameter and a secret of the same
 * name are two slots, so re-reading one never holds back the other. A secret met twice has its slot twice: harmless.
 */
function reReadSlots(
  refs: readonly SecretRef[],
  managers: SecretManagers,
  defaultManager: string | undefined,
): ReReadSlot[] {
  return refs.map((ref) => {
    const owner = ownerOf(managers, defaultManager, ref);
    let reReads = byOwner.get(owner);
    if (reReads === undefined) {
      reReads = new QuickLRU({ maxSize: 1_000 });
      byOwner.set(owner, reReads);
    }
    const { manager = '', service = '', secretId, versionStage = '', versionId = '' } = ref;
    return { reReads, key: JSON.stringify([manager, service, secretId, versionStage, versionId]) };
  });
}

interface Settings {
  isAuthError: (error: unknown) => boolean;
  cooldownMs: number;
  resolveOptions: ResolveConnectionOptions;
}

function readSettings(managers: SecretManagers, options: WithConnectionOptions = {}): Settings {
  checkOptionsObject(options);
  const { isAuthError = isCommonAuthError, cooldownMs = 5_000, ...resolveOptions } = options;
  if (typeof isAuthError !== 'function') {
    throw new SecretRefConfigError('isAuthError', '`isAuthError` must be a function `(error) => boolean`');
  }
  if (typeof cooldownMs !== 'number' || !Number.isFinite(cooldownMs) || cooldownMs < 0) {
    throw new SecretRefConfigError(
      'cooldownMs',
      '`cooldownMs` must be a finite number of milliseconds, 0 or more',
    );
  }
  if ((typeof managers !== 'object' && typeof managers !== 'function') || managers === null) {
    throw new SecretRefConfigError(
      'managers',
      '`managers` must be a secret manager, a record of them by id, or a function giving the manager of an id',
    );
  }
  return { isAuthError, cooldownMs, resolveOptions };
}

function saysAuth(isAuthError: (error: unknown) => boolean, error: unknown): boolean {
  // `isAuthError` is the user's callback: if it throws, the error is not taken for an authentication failure.
  try {
    return isAuthError(error) === true;
  } catch {
    return false;
  }
}

/**
 * The connection resolved again after a login failure: past every cache when one of its secrets was not re-read
 * within the cool-down; otherwise, once the re-reads in progress have ended, from the caches they refreshed.
 */
async function reResolve<T>(
  connection: T,
  managers: SecretManagers,
  slots: readonly ReReadSlot[],
  { cooldownMs, resolveOptions }: Settings,
): Promise<T> {
  const now = Date.now();
  const cooled = slots.every(({ reReads, key }) => {
    const last = reReads.get(key);
    return last !== undefined && now - last.at < cooldownMs;
  });
  if (cooled) {
    // Another call's re-read may take long (or hang): this call's own signal still ends the wait.
    await raceAbort(
      Promise.all(slots.map(({ reReads, key }) => reReads.get(key)?.done)),
      resolveOptions.signal,
    );
    return resolveConnection(connection, managers, resolveOptions);
  }
  const pastCaches = resolveConnection(connection, managers, { ...resolveOptions, refresh: true });
  const reRead: ReRead = { at: now, done: pastCaches.then(noop, noop) };
  for (const { reReads, key } of slots) reReads.set(key, reRead);
  return pastCaches;
}

function noop(): void {}

/**
 * Resolves `connection` and calls `use` with the resolved copy. When `use` fails with an error that
 * `options.isAuthError` calls a login failure (a rotation may have changed the password), the connection's
 * secrets are read again past every cache and `use` is called once more — only if some resolved value changed;
 * otherwise the original error is rethrown. Whatever `use` throws is rethrown as it is, never wrapped; if the
 * re-read fails, the original error is rethrown. A per-secret cool-down (`cooldownMs`) bounds the re-reads that
 * a plainly wrong password can cause. The resolved copies are compared in memory only, never logged.
 * @example
 *   const rows = await withConnection(
 *     { host: 'db', user: 'app', password: '{{resolve:secretsmanager:prod/db:SecretString:password}}' },
 *     manager,
 *     async (config) => {
 *       const client = new pg.Client(config);
 *       await client.connect();
 *       try {
 *         return (await client.query('SELECT 1')).rows;
 *       } finally {
 *         await client.end();
 *       }
 *     },
 *     { isAuthError: (error) => (error as { code?: string }).code === '28P01' },
 *   );
 */
export async function withConnection<T, R>(
  connection: T,
  managers: SecretManagers,
  use: (resolved: T, attempt: WithConnectionAttempt) => R | Promise<R>,
  options?: WithConnectionOptions,
): Promise<Awaited<R>> {
  const settings = readSettings(managers, options);
  if (typeof use !== 'function') {
    throw new SecretRefConfigError('use', '`use` must be a function `(resolved) => result`');
  }
  const first = await resolveConnection(connection, managers, settings.resolveOptions);
  try {
    return await use(first, { attempt: 1 });
  } catch (error) {
    // `use` is the user's callback: only an authentication failure is retried; any other error is rethrown as is.
    if (!saysAuth(settings.isAuthError, error)) throw error;
    const refs = findSecretRefs(connection, settings.resolveOptions).flatMap((found) => found.ref ?? []);
    if (refs.length === 0) throw error;
    const slots = reReadSlots(refs, managers, settings.resolveOptions.defaultManager);
    let second: T;
    try {
      second = await reResolve(connection, managers, slots, settings);
    } catch {
      // A re-read that fails (a provider, a manager) leaves the caller's own failure as the one to report.
      throw error;
    }
    if (isDeepStrictEqual(first, second)) throw error;
    return await use(second, { attempt: 2 });
  }
}
