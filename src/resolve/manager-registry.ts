import { createHmac, randomBytes } from 'node:crypto';
import QuickLRU from 'quick-lru';
import { SecretRefConfigError, SecretRefError } from '../errors.js';
import type { SecretManager } from '../manager/types.js';
import { within } from '../timeout.js';
import { isManager, isThenable, type ManagerLookup } from './managers.js';

/**
 * Options of {@link createManagerRegistry}.
 * @example
 *   const options: ManagerRegistryOptions<AwsSecretsManagerConfig> = {
 *     lookup: (id) => db.connections.findSettings(id),
 *     create: (settings) => createAwsSecretsManager(settings),
 *     maxSize: 500,
 *   };
 */
export interface ManagerRegistryOptions<S> {
  /**
   * The settings of a connection id (credentials included), or `undefined` when there is no such connection. Called on
   * every use of an id, so a change of settings is seen at once; a synchronous answer keeps the warm path synchronous.
   */
  lookup: (id: string | undefined) => S | undefined | Promise<S | undefined>;
  /** Builds the manager of a connection from its settings; called on first use and when the settings change. */
  create: (settings: S, id: string | undefined) => SecretManager;
  /**
   * How many managers are kept; the least recently used one is dropped past it.
   * @default 100
   */
  maxSize?: number;
  /** Called with a manager that is dropped: evicted, replaced after its settings changed, or deleted. */
  onEvict?: (manager: SecretManager, id: string | undefined) => void;
  /**
   * How long a `lookup` that answers with a promise may take, in ms. Past it, the references naming that id are
   * `unknown_manager` issues and the registry forgets the lookup: the next use of the id calls `lookup` again (a
   * lookup that never settles cannot block its id).
   * @default 10000
   */
  lookupTimeoutMs?: number;
}

/**
 * A bounded set of managers, one per connection id, built on first use; see {@link createManagerRegistry}.
 * @example
 *   const registry: ManagerRegistry = createManagerRegistry({ lookup, create });
 *   await resolveConnection(connection, registry.managers);
 */
export interface ManagerRegistry {
  /** The manager of a connection id, built or rebuilt when needed; pass this function as `managers`. */
  readonly managers: ManagerLookup;
  /**
   * Drops the manager of one id (the next use builds it anew), or every manager; a lookup of that id still pending
   * is forgotten too (its waiters get an `unknown_manager` issue, the next use calls `lookup` again).
   */
  delete(id?: string): void;
  /** How many managers are kept now. */
  readonly size: number;
}

interface Entry {
  /** HMAC of the settings under the registry's own random key: compares settings without keeping them. */
  digest: string;
  manager: SecretManager;
}

const NO_ID = '\u0000none';

/**
 * Builds and keeps the managers of a platform's connections, for `managers` given as a function: `lookup(id)` gives
 * the connection's settings, `create(settings, id)` its manager, made on first use, kept (at most `maxSize`, least
 * recently used dropped first) and made anew when the settings change. Concurrent first uses of one id share one
 * build. Settings are never kept: only an HMAC of them under a per-registry random key, so neither `util.inspect`
 * nor `JSON.stringify` of the registry shows a credential. A `lookup` that finds nothing, throws or rejects, or a
 * `create` that throws, makes the references naming that id `unknown_manager` issues.
 * @example
 *   const registry = createManagerRegistry({
 *     lookup: (id) => connections.get(id)?.settings,
 *     create: ({ region, accessKeyId, secretAccessKey }) =>
 *       createAwsSecretsManager({ region, accessKeyId, secretAccessKey }),
 *     maxSize: 500,
 *   });
 *   const auth = await resolveConnection(connection, registry.managers);
 */
export function createManagerRegistry<S>(options: ManagerRegistryOptions<S>): ManagerRegistry {
  checkOptions(options);
  const { lookup, create, onEvict, maxSize = 100, lookupTimeoutMs = 10_000 } = options;
  const key = randomBytes(32);
  const digestOf = (settings: S): string =>
    createHmac('sha256', key).update(settingsText(settings)).digest('base64url');
  const dropped = (id: string, entry: Entry): void => {
    if (!onEvict) return;
    try {
      onEvict(entry.manager, id === NO_ID ? undefined : id);
    } catch {}
  };
  const entries = new QuickLRU<string, Entry>({ maxSize, onEviction: dropped });
  // QuickLRU holds up to twice `maxSize` (two generations) and its `size` may count a key twice: counted by keys.
  const count = (): number => [...entries.keys()].length;
  const building = new Map<string, Promise<SecretManager>>();

  const build = (slot: string, id: string | undefined, settings: S | undefined): SecretManager => {
    if (settings === undefined || settings === null) {
      throw new SecretRefError(
        'unknown_manager',
        `No connection settings were found for id ${JSON.stringify(id)}`,
      );
    }
    const digest = digestOf(settings);
    const known = entries.get(slot);
    if (known?.digest === digest) return known.manager;
    const manager = create(settings, id);
    if (!isManager(manager)) {
      throw new SecretRefError(
        'unknown_manager',
        `\`create\` gave no secret manager for id ${JSON.stringify(id)}`,
      );
    }
    if (known) {
      entries.delete(slot);
      dropped(slot, known);
    }
    entries.set(slot, { digest, manager });
    const excess = count() - maxSize;
    if (excess > 0) entries.evict(excess);
    return manager;
  };

  const managers: ManagerLookup = (id) => {
    const slot = id ?? NO_ID;
    const inFlight = building.get(slot);
    if (inFlight) return inFlight;
    const settings = lookup(id);
    if (!isThenable(settings)) return build(slot, id, settings);
    // The user's lookup is not trusted to settle: it is bounded, and `delete` forgets it.
    const settled = within(
      settings,
      lookupTimeoutMs,
      new SecretRefError(
        'unknown_manager',
        `\`lookup\` did not answer within ${lookupTimeoutMs} ms for id ${JSON.stringify(id)}`,
      ),
    );
    const pending: Promise<SecretManager> = settled
      .then((found) => {
        if (building.get(slot) !== pending) {
          throw new SecretRefError(
            'unknown_manager',
            `the connection ${JSON.stringify(id)} was deleted while its settings were looked up`,
          );
        }
        return build(slot, id, found);
      })
      .finally(() => {
        if (building.get(slot) === pending) building.delete(slot);
      });
    building.set(slot, pending);
    return pending;
  };

  return {
    managers,
    delete(id) {
      if (id === undefined) {
        building.clear();
        const all = [...entries];
        entries.clear();
        for (const [slot, entry] of all) dropped(slot, entry);
        return;
      }
      building.delete(id);
      const entry = entries.peek(id);
      if (entry && entries.delete(id)) dropped(id, entry);
    },
    get size() {
      return count();
    },
  };
}

function checkOptions<S>(options: ManagerRegistryOptions<S>): void {
  if (options === null || typeof options !== 'object') {
    throw new SecretRefConfigError('options', '`options` must be an object with `lookup` and `create`');
  }
  if (typeof options.lookup !== 'function') {
    throw new SecretRefConfigError('lookup', '`lookup` must be a function giving the settings of an id');
  }
  if (typeof options.create !== 'function') {
    throw new SecretRefConfigError('create', '`create` must be a function building a manager from settings');
  }
  const { maxSize, lookupTimeoutMs, onEvict } = options;
  if (maxSize !== undefined && !(Number.isSafeInteger(maxSize) && maxSize >= 1)) {
    throw new SecretRefConfigError('maxSize', '`maxSize` must be a positive integer');
  }
  if (
    lookupTimeoutMs !== undefined &&
    !(Number.isSafeInteger(lookupTimeoutMs) && lookupTimeoutMs >= 1 && lookupTimeoutMs <= 2_147_483_647)
  ) {
    throw new SecretRefConfigError(
      'lookupTimeoutMs',
      '`lookupTimeoutMs` must be a whole number of milliseconds, 1 to 2147483647',
    );
  }
  if (onEvict !== undefined && typeof onEvict !== 'function') {
    throw new SecretRefConfigError('onEvict', '`onEvict` must be a function');
  }
}

/**
 * The canonical text of a connection's settings, for {@link createManagerRegistry} to digest: plain objects with
 * their keys sorted, arrays, strings, numbers, booleans, `null`, bytes and dates by content; functions, class
 * instances (an injected client, a credential provider) and other objects by identity, so the same object twice
 * compares equal and another one does not. Settings holding a cycle are refused.
 */
function settingsText(settings: unknown): string {
  const parts: string[] = [];
  write(settings, parts, new Set());
  return parts.join('');
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

function identityOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = ++nextIdentity;
    identities.set(value, id);
  }
  return id;
}

function write(value: unknown, parts: string[], open: Set<object>): void {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') parts.push(`f${identityOf(value)};`);
    else if (typeof value === 'string') parts.push(`s${value.length}:${value}`);
    else if (typeof value === 'symbol') parts.push(`y${String(value.description)};`);
    else parts.push(`${typeof value}:${String(value)};`);
    return;
  }
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    parts.push(`b${bytes.length}:${Buffer.from(bytes).toString('base64')}`);
    return;
  }
  if (value instanceof Date) {
    parts.push(`d${value.getTime()};`);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && proto !== Object.prototype && proto !== null) {
    parts.push(`o${identityOf(value)};`);
    return;
  }
  if (open.has(value)) throw new TypeError('connection settings must not hold a cycle');
  open.add(value);
  if (isArray) {
    parts.push(`[${value.length}:`);
    for (const item of value) write(item, parts, open);
    parts.push(']');
  } else {
    const keys = Object.keys(value).sort();
    parts.push(`{${keys.length}:`);
    for (const key of keys) {
      parts.push(`k${key.length}:${key}`);
      write((value as Record<string, unknown>)[key], parts, open);
    }
    parts.push('}');
  }
  open.delete(value);
}
