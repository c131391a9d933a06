/**
 * The write side of a shared read: the commit or release of a miss (and the renewal of its lease while the fetch
 * runs), and `writeEntry`. See PROTOCOL.md, "Writing" and "Leases".
 */

import type { SharedMiss } from '../cache/tier.js';
import type { SecretLocator, SecretPayload } from '../types.js';
import { encodeBusMessage, MAX_FILLED_TEXT } from './bus.js';
import { type DerivedKey, encodeEntry, MAX_ENTRY_PLAINTEXT_BYTES, sealEntry } from './crypto.js';
import type { FillWatch } from './fills.js';
import { anyScopeForm, idForms, type NameMemo, type ScopeNames } from './names.js';
import {
  COMMIT,
  commitArgs,
  type Generation,
  MAX_ORDER_DIGITS,
  RELEASE,
  RENEW,
  type TierScript,
} from './scripts.js';

/** What a read and its commits need from the tier. */
export interface ReadContext {
  /** Runs a script (routed by `key`) within the tier's guard: bounded, and rejected at once while Redis is skipped. */
  run(script: TierScript, key: string, args: readonly string[]): Promise<unknown>;
  readonly namespace: string;
  readonly prefix: string;
  readonly keys: readonly DerivedKey[];
  readonly ttlMs: number;
  readonly jitter: number;
  readonly leaseMs: number;
  /** The memo of names (see names.ts). */
  readonly nameMemo: NameMemo;
  /** True while the bus is up: `filled` messages wake lease waiters, and invalidations reach in-process copies. */
  listening(): boolean;
  /** Watches `names` for their `filled` messages on the bus (see fills.ts), until the watch is closed. */
  watchFills(names: readonly string[]): FillWatch;
  /**
   * The fetch order of this process's latest invalidation in `epoch` (0 when none): a `filled` text of a lower order
   * was written before it and is not taken (its notice may arrive after the invalidation's call settled).
   */
  fillOrderFloor(epoch: string): number;
  onProblem(kind: 'tampered' | 'oversized', cause?: unknown): void;
  /** Told the namespace's epoch after each read that Redis answered. */
  onEpoch(epoch: string): void;
}

/**
 * A lease holder renews its lease (every half lease) while its fetch runs, for at most this many leases; a reader
 * waits on a renewed lease as long, then fetches itself. A slow provider (AWS throttling a cold fleet, say) then
 * costs one fetch per secret, not one per waiting process; a holder that died stops renewing, and its lease passes
 * to a waiter within one lease.
 */
export const MAX_LEASES_HELD = 4;
/** Index sets outlive their entries by this much, so an invalidation finds every entry still alive. */
const INDEX_MARGIN_MS = 60_000;

const noop = (): void => {};

/**
 * A miss that the caller fills: `commit` writes the fetched value (and lets the lease `token` go, telling the
 * waiters), `release` lets the lease go without a value; the lease is renewed until either is called.
 */
export function missWithCommit(
  context: ReadContext,
  names: readonly ScopeNames[],
  locator: SecretLocator,
  name: string,
  generation: Generation,
  token: string | undefined,
  rejected: boolean,
): SharedMiss {
  let settled = false;
  const leaseKey = `${context.prefix}l:${generation.epoch}:${name}`;
  const stopRenewing = token === undefined ? noop : renewWhileFetching(context, leaseKey, token);
  const release = (): void => {
    if (settled) return;
    settled = true;
    stopRenewing();
    if (token === undefined) return;
    // Its `filled` notice wakes the waiters at once, to take the lease or read what another process wrote.
    context
      .run(RELEASE, leaseKey, [leaseKey, token, `${context.prefix}bus`, letGoNotice(context, name)])
      .catch(noop);
  };
  return {
    hit: false,
    ...(rejected ? { rejected: true } : {}),
    commit(payload: SecretPayload) {
      if (settled) return;
      settled = true;
      stopRenewing();
      if (!writeEntry(context, names, locator, generation, token, payload)) {
        settled = false;
        release();
      }
    },
    release,
  };
}

/** The `filled` notice of a lease let go without a value (released, or its commit refused): no text to open. */
function letGoNotice(context: ReadContext, name: string): string {
  return encodeBusMessage(context.namespace, { kind: 'filled', entry: name });
}

/**
 * Renews the lease `token` holds every half lease until the returned function is called, the lease is no longer
 * this holder's (or Redis does not answer), or {@link MAX_LEASES_HELD} leases have passed. The timer does not keep
 * the process alive.
 */
function renewWhileFetching(context: ReadContext, leaseKey: string, token: string): () => void {
  const { leaseMs } = context;
  if (leaseMs <= 0) return noop;
  let renewals = MAX_LEASES_HELD * 2 - 2;
  const args = [leaseKey, token, String(leaseMs)];
  const timer = setInterval(() => {
    if (renewals-- <= 0) {
      clearInterval(timer);
      return;
    }
    context.run(RENEW, leaseKey, args).then(
      (renewed) => {
        if (renewed !== 1) clearInterval(timer);
      },
      () => clearInterval(timer),
    );
  }, leaseMs / 2);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Commits `payload` for `locator` under `generation` (see COMMIT in scripts.ts; `ownSeq`: the invalidation a read
 * past the caches made after its fetch); false when nothing was sent (an entry that would live no time, a payload
 * larger than the tier shares, or one that cannot be encoded). Never throws.
 * @example
 *   writeEntry(context, names, { secretId: 'prod/db' }, generation, undefined, payload);
 */
export function writeEntry(
  context: ReadContext,
  names: readonly ScopeNames[],
  locator: SecretLocator,
  generation: Generation & { readonly ownSeq?: string },
  token: string | undefined,
  payload: SecretPayload,
): boolean {
  try {
    const lifetime = Math.floor(context.ttlMs * (1 - context.jitter * Math.random()));
    if (lifetime <= 0) return false;
    const name = names[0]!.entry(locator);
    const expiresAt = Date.now() + lifetime;
    const site = { namespace: context.namespace, epoch: generation.epoch, name, order: generation.order };
    const plaintext = encodeEntry(payload, expiresAt);
    // Larger than any entry a reader accepts (see MAX_ENTRY_CHARS in scripts.ts): not shared.
    if (Buffer.byteLength(plaintext) > MAX_ENTRY_PLAINTEXT_BYTES) return false;
    const sealed = sealEntry(names[0]!.key, site, plaintext);
    const ids = idForms(locator.secretId, payload);
    const args = commitArgs({
      prefix: context.prefix,
      epoch: generation.epoch,
      seq: generation.seq,
      order: generation.order,
      ownSeq: generation.ownSeq,
      name,
      sealed,
      ttlMs: lifetime,
      token: token ?? '',
      indexTtlMs: lifetime + INDEX_MARGIN_MS,
      notice: encodeBusMessage(context.namespace, {
        kind: 'filled',
        entry: name,
        text:
          sealed.length + MAX_ORDER_DIGITS + 1 <= MAX_FILLED_TEXT
            ? `${generation.order}.${sealed}`
            : undefined,
      }),
      refusedNotice: letGoNotice(context, name),
      scopes: names.map((scope) => scope.scope),
      forms: names.flatMap((scope) => [
        ...ids.map((id) => scope.form(id)),
        ...ids.map((id) => anyScopeForm(scope.key, id, context.nameMemo)),
      ]),
    });
    context.run(COMMIT, `${context.prefix}gen`, args).catch(noop);
    return true;
  } catch {
    // A payload that cannot be encoded is simply not shared; the caller already has it.
    return false;
  }
}
