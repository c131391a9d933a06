import { randomBytes } from 'node:crypto';
import type { SecretLocator, SecretPayload } from '../../types.js';
import type { SharedRead } from '../tier.js';
import { encodeBusMessage, MAX_FILLED_TEXT } from './bus.js';
import type { RedisConnection } from './client.js';
import { runScript } from './client.js';
import { type DerivedKey, openEntry, sealEntry } from './crypto.js';
import { decodeEntry, encodeEntry, MAX_ENTRY_PLAINTEXT_BYTES } from './entry.js';
import type { Filled } from './fills.js';
import type { Guard } from './guard.js';
import { anyScopeForm, idForms, type NameMemo, type ScopeNames } from './names.js';
import {
  commitArgs,
  decodeReadReply,
  readArgs,
  releaseArgs,
  renewArgs,
  splitEntryText,
} from './script-io.js';
import { COMMIT, READ, RELEASE, RENEW } from './scripts.js';

/** What a read and its commits need from the tier. */
export interface ReadContext {
  readonly connection: RedisConnection;
  readonly guard: Guard;
  readonly namespace: string;
  readonly prefix: string;
  readonly keys: readonly DerivedKey[];
  readonly ttlMs: number;
  readonly jitter: number;
  readonly leaseMs: number;
  /** The tier's memo of names (see names.ts). */
  readonly nameMemo: NameMemo;
  /** Caps `freshForMs` of hits (while the bus is down, in-process copies must not outlive what they may miss). */
  freshCap(): number;
  /**
   * Resolves with those of `names` that were filled (a `filled` message on the bus, with the entry's text when it
   * carried it): soon after the first is, after
   * `ms`, or when `signal` fires.
   */
  waitForFill(names: readonly string[], ms: number, signal: AbortSignal | undefined): Promise<Filled>;
  /** The longest a lease waiter goes without looking at Redis ({@link POLL_MS}, or longer while the bus is up). */
  pollMs(): number;
  onProblem(kind: 'tampered' | 'oversized', cause?: unknown): void;
  /** Told the namespace's epoch after each read that Redis answered. */
  onEpoch?(epoch: string): void;
}

/**
 * How often, at most, a reader waiting on another process's lease looks again at all the entries it waits for (or a
 * free lease) while the bus is down. The holder's `filled` message on the bus wakes it for that entry at once;
 * polling (after 5 ms, 10 ms, 20 ms, then every 50 ms) is for a bus that is down or a message that was lost.
 */
export const POLL_MS = 50;
/**
 * The same while the bus is up: `filled` messages do the waking (a holder that lets its lease go unfilled sends one
 * too), so a poll is only for a message that was lost, and a thousand waiters polling every 50 ms would load Redis.
 */
export const LISTENING_POLL_MS = 1_000;
const FIRST_POLL_MS = 5;
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
const PLAIN_MISS: SharedRead = Object.freeze({ hit: false, commit: noop, release: noop });

/** A miss that writes nothing (Redis skipped, or no scope). */
export function plainMiss(): SharedRead {
  return PLAIN_MISS;
}

const newEpoch = (): string => randomBytes(8).toString('hex');
let tokens = 0;
const PROCESS_TOKEN = randomBytes(8).toString('hex');

/** Where a fetch stands: the epoch and invalidation sequence it read at, and its place in the order of fetches. */
export interface Generation {
  readonly epoch: string;
  readonly seq: string;
  readonly order: string;
}

/**
 * Reads `locators` of one scope: hits are decrypted; a miss whose lease this process took is answered at once (the
 * caller fetches and commits); a miss leased by another process is looked at again when the holder's `filled` message
 * comes (or after {@link POLL_MS} at most) until the entry comes, the lease is free (this process then takes it),
 * `leaseMs` has passed or `signal` fires. With `aheadMs`, an entry that expires within `aheadMs` is a miss to
 * refresh when this process takes its lease, and is waited on like a miss while another process refreshes it.
 * @example
 *   const [read] = await readShared(context, names, [{ secretId: 'prod/db' }], signal, 0);
 */
export async function readShared(
  context: ReadContext,
  names: readonly ScopeNames[],
  locators: readonly SecretLocator[],
  signal: AbortSignal | undefined,
  aheadMs: number,
): Promise<SharedRead[]> {
  const primary = names[0]!;
  const entryNames = locators.map((locator) => primary.entry(locator));
  const out: (SharedRead | undefined)[] = locators.map(() => undefined);
  // One entry asked twice is read once (a second lease request would wait on this read's own lease).
  const firstOf = new Map<string, number>();
  entryNames.forEach((name, index) => {
    if (!firstOf.has(name)) firstOf.set(name, index);
  });
  let pending = [...firstOf.values()];
  // The entries looked at in the next round: all pending ones at a poll, only those just filled when a notice woke us
  // (at a thousand readers, looking at a whole batch after every notice is what would load Redis).
  let asked = pending;
  const token = `${PROCESS_TOKEN}.${(tokens++).toString(36)}`;
  const deadline = Date.now() + context.leaseMs * MAX_LEASES_HELD;
  // While the bus is up, `filled` messages wake the waiters and polls only cover a lost one: the first comes late.
  let wait = context.pollMs() > POLL_MS ? context.pollMs() : FIRST_POLL_MS;
  let nextPoll = 0;
  let epoch = '';
  const reported = new Set<number>();
  while (asked.length > 0) {
    let reply: ReturnType<typeof decodeReadReply>;
    try {
      const leaseMs = Date.now() < deadline ? context.leaseMs : 0;
      const askedNames = asked.map((index) => entryNames[index]!);
      const args = readArgs({
        prefix: context.prefix,
        epochCandidate: newEpoch(),
        token,
        leaseMs,
        aheadMs,
        names: askedNames,
      });
      reply = decodeReadReply(
        await context.guard.run(() => runScript(context.connection, READ, `${context.prefix}gen`, args)),
        askedNames.length,
      );
    } catch {
      break;
    }
    if (!reply) break;
    const generation: Generation = { epoch: reply.epoch, seq: reply.seq, order: reply.order };
    epoch = generation.epoch;
    context.onEpoch?.(generation.epoch);
    const slots = reply.slots;
    asked.forEach((index, position) => {
      const slot = slots[position]!;
      const locator = locators[index]!;
      const name = entryNames[index]!;
      // Not sent by Redis: longer than any entry the tier writes (see MAX_ENTRY_CHARS). A miss, reported once.
      const oversized = !slot.found && slot.oversized;
      if (oversized && !reported.has(index)) {
        reported.add(index);
        context.onProblem('oversized');
      }
      if (slot.found) {
        const opened = openHit(context, generation.epoch, name, slot.text, slot.pttl);
        out[index] =
          typeof opened === 'object'
            ? opened
            : missWithCommit(context, names, locator, name, generation, undefined, opened === 'unreadable');
      } else if (slot.lease === 1) {
        out[index] = missWithCommit(context, names, locator, name, generation, token, oversized);
      } else if (slot.lease !== -1 || Date.now() >= deadline || signal?.aborted) {
        out[index] = missWithCommit(context, names, locator, name, generation, undefined, oversized);
      }
    });
    pending = pending.filter((index) => out[index] === undefined);
    if (nextPoll === 0) nextPoll = Math.min(Date.now() + wait, deadline);
    asked = [];
    while (pending.length > 0 && asked.length === 0) {
      const now = Date.now();
      if (now >= nextPoll) {
        // A poll: for a notice that was lost, or a holder that died (its lease then ends unannounced).
        asked = pending;
        wait = Math.min(wait * 2, context.pollMs());
        nextPoll = Math.min(now + wait, deadline);
        break;
      }
      const filled = await context.waitForFill(
        pending.map((index) => entryNames[index]!),
        Math.max(0, nextPoll - now),
        signal,
      );
      if (signal?.aborted) {
        asked = pending;
        break;
      }
      for (const index of pending) {
        const name = entryNames[index]!;
        if (!filled.has(name)) continue;
        // The holder's message carries what it wrote: opened here, it spares Redis a thousand reads of it.
        const text = filled.get(name);
        const opened = text === undefined ? undefined : openFilled(context, epoch, name, text);
        if (opened) out[index] = opened;
        else asked.push(index);
      }
      pending = pending.filter((index) => out[index] === undefined);
    }
  }
  return entryNames.map((name) => out[firstOf.get(name)!] ?? PLAIN_MISS);
}

/** Opens an entry's text: a hit, `'expired'` (a plain miss) or `'unreadable'` (failed to decrypt or verify). */
function openHit(
  context: ReadContext,
  epoch: string,
  name: string,
  value: string,
  pttl: number,
): SharedRead | 'expired' | 'unreadable' {
  const { order, sealed } = splitEntryText(value);
  const plaintext = openEntry(context.keys, { namespace: context.namespace, epoch, name, order }, sealed);
  const entry = plaintext === undefined ? undefined : decodeEntry(plaintext);
  if (!entry) {
    context.onProblem('tampered');
    return 'unreadable';
  }
  const now = Date.now();
  if (entry.expiresAt <= now) return 'expired';
  const left = Math.min(entry.expiresAt - now, pttl > 0 ? pttl : entry.expiresAt - now, context.freshCap());
  return { hit: true, payload: entry.payload, freshForMs: Math.max(0, left) };
}

/**
 * Opens the text a `filled` message carried (unauthenticated: it opens only if it was sealed for this entry under
 * this epoch); `undefined` when it does not, or has expired: the reader then reads Redis.
 */
function openFilled(context: ReadContext, epoch: string, name: string, text: string): SharedRead | undefined {
  const { order, sealed } = splitEntryText(text);
  const plaintext = openEntry(context.keys, { namespace: context.namespace, epoch, name, order }, sealed);
  const entry = plaintext === undefined ? undefined : decodeEntry(plaintext);
  const left = entry ? Math.min(entry.expiresAt - Date.now(), context.freshCap()) : 0;
  return entry && left > 0 ? { hit: true, payload: entry.payload, freshForMs: left } : undefined;
}

function missWithCommit(
  context: ReadContext,
  names: readonly ScopeNames[],
  locator: SecretLocator,
  name: string,
  generation: Generation,
  token: string | undefined,
  rejected: boolean,
): SharedRead {
  let settled = false;
  const leaseKey = `${context.prefix}l:${generation.epoch}:${name}`;
  const stopRenewing = token === undefined ? noop : renewWhileFetching(context, leaseKey, token);
  const release = (): void => {
    if (settled) return;
    settled = true;
    stopRenewing();
    if (token === undefined) return;
    // Its `filled` notice wakes the waiters at once, to take the lease or read what another process wrote.
    const notice = encodeBusMessage(context.namespace, { kind: 'filled', entry: name });
    context.guard
      .run(() =>
        runScript(
          context.connection,
          RELEASE,
          leaseKey,
          releaseArgs({ prefix: context.prefix, leaseKey, token, notice }),
        ),
      )
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

/**
 * Renews the lease `token` holds every half lease until the returned function is called, the lease is no longer
 * this holder's (or Redis does not answer), or {@link MAX_LEASES_HELD} leases have passed. The timer does not keep
 * the process alive.
 */
function renewWhileFetching(context: ReadContext, leaseKey: string, token: string): () => void {
  const { leaseMs } = context;
  if (leaseMs <= 0) return noop;
  let renewals = MAX_LEASES_HELD * 2 - 2;
  const args = renewArgs({ leaseKey, token, leaseMs });
  const timer = setInterval(() => {
    if (renewals-- <= 0) {
      clearInterval(timer);
      return;
    }
    context.guard
      .run(() => runScript(context.connection, RENEW, leaseKey, args))
      .then(
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
 * Commits `payload` for `locator` under `generation` (see COMMIT in scripts.ts); false when nothing was sent (an
 * entry that would live no time, a payload larger than the tier shares, or one that cannot be encoded). Never throws.
 * @example
 *   writeEntry(context, names, { secretId: 'prod/db' }, generation, undefined, payload);
 */
export function writeEntry(
  context: ReadContext,
  names: readonly ScopeNames[],
  locator: SecretLocator,
  generation: Generation,
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
      name,
      sealed,
      ttlMs: lifetime,
      token: token ?? '',
      indexTtlMs: lifetime + INDEX_MARGIN_MS,
      notice: encodeBusMessage(context.namespace, {
        kind: 'filled',
        entry: name,
        text: sealed.length + 21 <= MAX_FILLED_TEXT ? `${generation.order}.${sealed}` : undefined,
      }),
      scopes: names.map((scope) => scope.scope),
      forms: names.flatMap((scope) => [
        ...ids.map((id) => scope.form(id)),
        ...ids.map((id) => anyScopeForm(scope.key, id, context.nameMemo)),
      ]),
    });
    context.guard.run(() => runScript(context.connection, COMMIT, `${context.prefix}gen`, args)).catch(noop);
    return true;
  } catch {
    // A payload that cannot be encoded is simply not shared; the caller already has it.
    return false;
  }
}
