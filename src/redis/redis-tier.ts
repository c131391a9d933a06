import type { SharedInvalidation, SharedTier } from '../cache/tier.js';
import { SecretRefError } from '../errors.js';
import {
  type BusMessage,
  DROP_ALL,
  decodeBusMessage,
  encodeBusMessage,
  everything,
  invalidationsOf,
} from './bus.js';
import { type RedisConnection, type RedisSubscriber, runScript } from './client.js';
import { type ReadContext, writeEntry } from './commit.js';
import type { DerivedKey } from './crypto.js';
import { createFills } from './fills.js';
import { createGuard, TierUnavailable } from './guard.js';
import { anyScopeForm, keyPrefix } from './names.js';
import { PLAIN_MISS, readShared } from './read.js';
import { createTierScopes } from './scopes.js';
import {
  decodeInvalidateReply,
  INVALIDATE,
  type InvalidateReply,
  type Invalidation,
  invalidateArgs,
  type TierScript,
} from './scripts.js';

/** What the Redis tier is built from (options already checked). */
interface RedisTierConfig {
  readonly connection: RedisConnection;
  readonly subscriber: RedisSubscriber;
  /** Derived from `encryptionKey`: the first encrypts and names entries, every one decrypts and is told of invalidations. */
  readonly keys: readonly DerivedKey[];
  readonly namespace: string;
  readonly scope: string | undefined;
  readonly ttlMs: number;
  readonly jitter: number;
  readonly leaseMs: number;
  readonly operationTimeoutMs: number;
  /**
   * How many scopes (provider identities) the tier remembers, least recently used dropped first together with this
   * process's entries of them (whose bus messages it could no longer recognise). At least the in-process tier's
   * `maxSize`: a scope with an entry held was used that recently.
   * @default 1000
   */
  readonly maxScopes?: number;
  /** The one hook for problems (a later `error` event); never given a value, a key or a secret id. */
  readonly onProblem?: (kind: TierProblem, cause?: unknown) => void;
}

/** What went wrong in the tier, for the `error` event to come. */
export type TierProblem = 'unavailable' | 'recovered' | 'tampered' | 'oversized' | 'subscription_lost';

/**
 * What a fleet-wide invalidation did, as Redis recorded it.
 * @example
 *   const { removed, processes, keyInUse } = await cache.invalidateSecret('prod/db');
 *   if (keyInUse !== 'yes') console.error('no process reading this namespace uses this key');
 */
export interface FleetInvalidation {
  /**
   * Entries deleted from Redis: for one secret, those of every id form, scope and version Redis held; for a
   * namespace clear, 0 (the namespace gets a new epoch: every entry becomes unreadable at once and expires by itself).
   */
  readonly removed: number;
  /** Other processes subscribed to the namespace's bus that received the message (this one not counted). */
  readonly processes: number;
  /**
   * Whether a process reading this namespace uses one of this cache's keys (each marks its key ids, derived and
   * telling nothing of the key, at its first read): `yes`; `other-key` (processes use only other keys: they ignore
   * the message and keep serving their copies); `unused` (no process has read this namespace since Redis was last
   * emptied: a misspelt namespace, or a fleet not started).
   */
  readonly keyInUse: 'yes' | 'other-key' | 'unused';
}

/** The Redis tier: a {@link SharedTier}, plus the operator's fleet-wide clears and `close`. */
export interface RedisTier extends SharedTier {
  /** Drops every entry of the namespace, in Redis and in every process. Rejects when Redis does not record it. */
  clearNamespace(): Promise<FleetInvalidation>;
  /** Drops one secret (by any id form) in every scope, in Redis and in every process. */
  invalidateEverywhere(secretId: string): Promise<FleetInvalidation>;
  /** True while the subscription is up. */
  readonly listening: boolean;
  close(): Promise<void>;
}

/** Invalidations kept for replay while Redis cannot be reached; past this, one namespace clear replaces them. */
const MAX_PENDING = 1_000;

/**
 * Creates the tier and starts listening on the bus.
 * @example
 *   const tier = createRedisTier({ connection, subscriber, keys, namespace: 'prod', scope: undefined, ttlMs, jitter, leaseMs, operationTimeoutMs });
 *   const store = createCacheStore(options, tier);
 */
export function createRedisTier(config: RedisTierConfig): RedisTier {
  const { connection, keys, namespace } = config;
  const prefix = keyPrefix(namespace);
  const channel = `${prefix}bus`;
  const report = config.onProblem ?? (() => {});
  const listeners = new Set<(message: SharedInvalidation) => void>();
  const scopes = createTierScopes({
    keys,
    scope: config.scope,
    maxScopes: config.maxScopes ?? 1_000,
    // Its bus messages would no longer be recognised: what this process holds of it goes now.
    onForget: (scope) => emit({ scope, matches: everything }),
  });
  const { namesOf, nameMemo } = scopes;
  let pending: Invalidation[] = [];
  let listening = false;
  let closed = false;

  const fills = createFills();

  // The listeners are the store's, each wrapped by the tier guard (src/cache/tier-guard.ts): none throws.
  const emit = (message: SharedInvalidation): void => {
    for (const listener of [...listeners]) listener(message);
  };

  const run = (script: TierScript, key: string, args: readonly string[]): Promise<unknown> =>
    guard.run(() => runScript(connection, script, key, args));

  // The fetch order of this process's latest invalidation recorded by Redis, in its epoch: a `filled` text of a lower
  // order was written before it, and may reach this process after its call settled (the bus is another connection,
  // and may run late): a reader takes no such text, it reads Redis (see `fillTextUsable`).
  let ownInvalidation: { epoch: string; order: number } | undefined;
  const send = (invalidation: Invalidation): Promise<InvalidateReply | undefined> =>
    run(INVALIDATE, `${prefix}gen`, invalidateArgs(prefix, invalidation))
      .then(decodeInvalidateReply)
      .then((reply) => {
        const order = Number(reply?.order);
        if (reply !== undefined && Number.isSafeInteger(order)) {
          const latest = ownInvalidation?.epoch === reply.epoch ? ownInvalidation.order : 0;
          ownInvalidation = { epoch: reply.epoch, order: Math.max(latest, order) };
        }
        return reply;
      });

  /** What a bus message means for this process: a waiting reader woken, or in-process copies dropped. */
  const hear = (message: BusMessage | undefined): void => {
    if (message?.kind === 'filled') fills.filled(message.entry, message.text);
    else if (message) {
      fills.invalidated();
      for (const invalidation of invalidationsOf(message, scopes.known)) emit(invalidation);
    }
  };

  /**
   * Tells this process of an invalidation it made, as the bus would, so that the caller's copies are gone when its
   * call settles, however late its own bus message arrives (it still arrives, and finds nothing).
   */
  const tellSelf = (invalidation: Invalidation): void =>
    hear(decodeBusMessage(keys, namespace, invalidation.messages[0]!));

  const queue = (invalidation: Invalidation): void => {
    pending.push(invalidation);
    if (pending.length > MAX_PENDING) pending = [allInvalidation()];
  };

  const replay = (): void => {
    const todo = pending;
    pending = [];
    for (const invalidation of todo) send(invalidation).catch(() => queue(invalidation));
  };

  const guard = createGuard({
    operationTimeoutMs: config.operationTimeoutMs,
    backoffMs: 1_000,
    maxBackoffMs: 10_000,
    ready: connection.ready,
    probe: () => connection.command(['PING']),
    onProblem: report,
    onRecovered: replay,
    answers: connection.answers,
  });

  const readContext: ReadContext = {
    run,
    namespace,
    prefix,
    keys,
    ttlMs: config.ttlMs,
    jitter: config.jitter,
    leaseMs: config.leaseMs,
    nameMemo,
    listening: () => listening,
    watchFills: fills.watch,
    fillOrderFloor: (epoch) => (ownInvalidation?.epoch === epoch ? ownInvalidation.order : 0),
    onProblem: report,
    onEpoch: (epoch) => markKeys(epoch),
  };

  const invalidateNow = (invalidation: Invalidation, strict: boolean): Promise<InvalidateReply | undefined> =>
    send(invalidation).then(
      (reply) => {
        tellSelf(invalidation);
        return reply;
      },
      (error: unknown) => {
        queue(invalidation);
        tellSelf(invalidation);
        if (strict) {
          throw new SecretRefError(
            error instanceof TierUnavailable ? 'timeout' : 'network',
            'Redis did not record the invalidation; it is kept and sent again when Redis answers',
            { cause: error instanceof Error ? new Error(error.message.split('\n')[0]) : undefined },
          );
        }
        return undefined;
      },
    );

  // Marks this process's key ids in the namespace (see FleetInvalidation.keyInUse), again after each new epoch
  // (a namespace clear, or a flushed Redis that lost the marker).
  let markedEpoch: string | undefined;
  const markKeys = (epoch: string): void => {
    if (epoch === markedEpoch || closed) return;
    markedEpoch = epoch;
    const fields = keys.flatMap((key) => [key.id, String(Date.now())]);
    guard
      .run(() => connection.command(['HSET', `${prefix}keys`, ...fields], `${prefix}keys`))
      .catch(() => {
        markedEpoch = undefined;
      });
  };

  config.subscriber
    .listen(
      channel,
      (text) => hear(decodeBusMessage(keys, namespace, text)),
      (up) => {
        if (closed || up === listening) return;
        listening = up;
        if (!up) report('subscription_lost');
        // Down: what is published now cannot be heard. Up again: what was published meanwhile was missed.
        emit(DROP_ALL);
      },
    )
    .then(
      () => {
        if (closed) return;
        listening = true;
      },
      (error: unknown) => report('subscription_lost', error),
    );

  /** One invalidation, told in one message per key (`messageOf` gives each key's, from the key's index). */
  function invalidationOf(
    kind: Invalidation['kind'],
    messageOf: (key: DerivedKey, index: number) => BusMessage,
    hashes: string[],
    entries: string[] = [],
  ): Invalidation {
    const messages = keys.map((key, index) => encodeBusMessage(namespace, messageOf(key, index)));
    return { kind, messages, entries, hashes };
  }
  const allInvalidation = (): Invalidation =>
    invalidationOf('all', (key) => ({ kind: 'namespace', key }), []);

  /** What INVALIDATE's reply says the fleet did; this process's own subscription, when up, is not counted. */
  const fleetInvalidation = (reply: InvalidateReply | undefined): FleetInvalidation =>
    Object.freeze({
      removed: reply?.removed ?? 0,
      processes: Math.max(0, (reply?.heard ?? 0) - (listening ? 1 : 0)),
      keyInUse: reply?.marker === 2 ? 'yes' : reply?.marker === 1 ? 'other-key' : 'unused',
    });

  return {
    scopeOf: scopes.scopeOf,
    async read(scope, locators, signal, options) {
      const names = namesOf(scope);
      if (!names || closed || guard.skipping) return locators.map(() => PLAIN_MISS);
      return readShared(readContext, names, locators, signal, Math.max(0, Number(options?.aheadMs) || 0));
    },
    async mark(scope) {
      if (!namesOf(scope) || closed || guard.skipping) return undefined;
      const reply = await guard
        .run(() => connection.command(['HMGET', `${prefix}gen`, 'epoch', 'seq'], `${prefix}gen`))
        .catch(() => undefined);
      if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
      return { epoch: reply[0], seq: typeof reply[1] === 'string' ? reply[1] : '0' };
    },
    async invalidate(scope, secretId, replacement) {
      const names = namesOf(scope);
      if (!names || closed) return;
      const scopes = names.map((name) => name.scope);
      const forms = secretId === undefined ? [] : names.map((name) => name.form(secretId));
      const invalidation =
        secretId === undefined
          ? invalidationOf('scope', (key, i) => ({ kind: 'scope', key, scope: scopes[i]! }), scopes)
          : invalidationOf(
              'form',
              (key, i) => ({ kind: 'form', key, scope: scopes[i]!, form: forms[i]! }),
              forms,
              names.map((name) => name.entry({ secretId })),
            );
      const reply = await invalidateNow(invalidation, false);
      // What a read past the caches fetched, written with this invalidation's order: a commit from any read before
      // it is refused by the log, and any fetch that reads after it has a later order and may replace this entry.
      // Its log is read from the mark taken before that fetch (this invalidation aside): an invalidation of the
      // secret by another process since then refuses it, however late that one's bus message.
      if (reply !== undefined && replacement !== undefined && !closed) {
        const { since, locator, payload } = replacement;
        if (since.epoch !== reply.epoch) return;
        const generation = { epoch: reply.epoch, seq: since.seq, order: reply.order, ownSeq: reply.seq };
        writeEntry(readContext, names, locator, generation, undefined, payload);
      }
    },
    onInvalidate(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async clearNamespace() {
      return fleetInvalidation(await invalidateNow(allInvalidation(), true));
    },
    async invalidateEverywhere(secretId) {
      const forms = keys.map((key) => anyScopeForm(key, secretId, nameMemo));
      const reply = await invalidateNow(
        invalidationOf('form', (key, i) => ({ kind: 'any-scope-form', key, form: forms[i]! }), forms),
        true,
      );
      return fleetInvalidation(reply);
    },
    get listening() {
      return listening;
    },
    async close() {
      if (closed) return;
      closed = true;
      guard.close();
      listeners.clear();
      listening = false;
      await config.subscriber.close();
    },
  };
}
