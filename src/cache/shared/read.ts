import { randomBytes } from 'node:crypto';
import type { SecretLocator, SecretPayload } from '../../types.js';
import type { SharedRead } from '../tier.js';
import { encodeBusMessage } from './bus.js';
import type { RedisConnection } from './client.js';
import { runScript } from './client.js';
import { type DerivedKey, openEntry, sealEntry } from './crypto.js';
import { decodeEntry, encodeEntry, MAX_ENTRY_PLAINTEXT_BYTES } from './entry.js';
import type { Guard } from './guard.js';
import { anyScopeForm, idForms, type ScopeNames } from './names.js';
import { COMMIT, READ, RELEASE } from './scripts.js';

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
  /** Caps `freshForMs` of hits (while the bus is down, in-process copies must not outlive what they may miss). */
  freshCap(): number;
  /** Resolves when one of `names` is filled (a `filled` message on the bus), after `ms`, or when `signal` fires. */
  waitForFill(names: readonly string[], ms: number, signal: AbortSignal | undefined): Promise<void>;
  onProblem(kind: 'tampered' | 'oversized', cause?: unknown): void;
  /** Told the namespace's epoch after each read that Redis answered. */
  onEpoch?(epoch: string): void;
}

/**
 * How often, at most, a reader waiting on another process's lease looks again for the entry (or a free lease). The
 * holder's `filled` message on the bus wakes it at once; polling (after 5 ms, 10 ms, 20 ms, then every 50 ms) is for a
 * bus that is down or a message that was lost.
 */
export const POLL_MS = 50;
const FIRST_POLL_MS = 5;
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

interface Generation {
  epoch: string;
  seq: string;
}

/**
 * Reads `locators` of one scope: hits are decrypted; a miss whose lease this process took is answered at once (the
 * caller fetches and commits); a miss leased by another process is looked at again when the holder's `fill` message
 * comes (or after {@link POLL_MS} at most) until the entry comes, the lease is free (this process then takes it),
 * `leaseMs` has passed or `signal` fires.
 * @example
 *   const [read] = await readShared(context, names, [{ secretId: 'prod/db' }], signal);
 */
export async function readShared(
  context: ReadContext,
  names: readonly ScopeNames[],
  locators: readonly SecretLocator[],
  signal: AbortSignal | undefined,
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
  const token = `${PROCESS_TOKEN}.${(tokens++).toString(36)}`;
  const deadline = Date.now() + context.leaseMs;
  let wait = FIRST_POLL_MS;
  const reported = new Set<number>();
  while (pending.length > 0) {
    let reply: unknown;
    try {
      const leaseMs = Date.now() < deadline ? context.leaseMs : 0;
      reply = await context.guard.run(() =>
        runScript(context.connection, READ, `${context.prefix}gen`, [
          context.prefix,
          newEpoch(),
          token,
          String(leaseMs),
          ...pending.map((index) => entryNames[index]!),
        ]),
      );
    } catch {
      break;
    }
    if (!Array.isArray(reply) || reply.length !== 2 + pending.length * 2) break;
    const generation: Generation = { epoch: String(reply[0]), seq: String(reply[1]) };
    context.onEpoch?.(generation.epoch);
    const waiting: number[] = [];
    pending.forEach((index, position) => {
      const value = reply[2 + position * 2];
      const second = Number(reply[3 + position * 2]);
      const locator = locators[index]!;
      const name = entryNames[index]!;
      // Not sent by Redis: longer than any entry the tier writes (see MAX_ENTRY_CHARS). A miss, reported once.
      const oversized = value === 0;
      if (oversized && !reported.has(index)) {
        reported.add(index);
        context.onProblem('oversized');
      }
      if (typeof value === 'string') {
        const hit = openHit(context, generation.epoch, name, value, second);
        out[index] = hit ?? missWithCommit(context, names, locator, name, generation, undefined);
      } else if (second === 1) {
        out[index] = missWithCommit(context, names, locator, name, generation, token);
      } else if (second === -1 && Date.now() < deadline && !signal?.aborted) {
        waiting.push(index);
      } else {
        out[index] = missWithCommit(context, names, locator, name, generation, undefined);
      }
      const answer = out[index];
      if (oversized && answer !== undefined && !answer.hit) out[index] = { ...answer, rejected: true };
    });
    pending = waiting;
    if (pending.length > 0) {
      await context.waitForFill(
        pending.map((index) => entryNames[index]!),
        wait,
        signal,
      );
      wait = Math.min(wait * 2, POLL_MS);
    }
  }
  return entryNames.map((name) => out[firstOf.get(name)!] ?? PLAIN_MISS);
}

function openHit(
  context: ReadContext,
  epoch: string,
  name: string,
  value: string,
  pttl: number,
): SharedRead | undefined {
  const plaintext = openEntry(context.keys, { namespace: context.namespace, epoch, name }, value);
  const entry = plaintext === undefined ? undefined : decodeEntry(plaintext);
  const now = Date.now();
  if (!entry || entry.expiresAt <= now) {
    if (!entry) context.onProblem('tampered');
    return undefined;
  }
  const left = Math.min(entry.expiresAt - now, pttl > 0 ? pttl : entry.expiresAt - now, context.freshCap());
  return { hit: true, payload: entry.payload, freshForMs: Math.max(0, left) };
}

function missWithCommit(
  context: ReadContext,
  names: readonly ScopeNames[],
  locator: SecretLocator,
  name: string,
  generation: Generation,
  token: string | undefined,
): SharedRead {
  let settled = false;
  const leaseKey = `${context.prefix}l:${generation.epoch}:${name}`;
  const release = (): void => {
    if (settled) return;
    settled = true;
    if (token === undefined) return;
    context.guard.run(() => runScript(context.connection, RELEASE, leaseKey, [leaseKey, token])).catch(noop);
  };
  return {
    hit: false,
    commit(payload: SecretPayload) {
      if (settled) return;
      settled = true;
      try {
        const lifetime = Math.floor(context.ttlMs * (1 - context.jitter * Math.random()));
        if (lifetime <= 0) {
          settled = false;
          release();
          return;
        }
        const expiresAt = Date.now() + lifetime;
        const site = { namespace: context.namespace, epoch: generation.epoch, name };
        const plaintext = encodeEntry(payload, expiresAt);
        if (Buffer.byteLength(plaintext) > MAX_ENTRY_PLAINTEXT_BYTES) {
          settled = false;
          release();
          return;
        }
        const value = sealEntry(names[0]!.key, site, plaintext);
        const ids = idForms(locator.secretId, payload);
        const forms = names.flatMap((scope) => [
          ...ids.map((id) => scope.form(id)),
          ...ids.map((id) => anyScopeForm(scope.key, id)),
        ]);
        const scopes = names.map((scope) => scope.scope);
        const args = [
          context.prefix,
          generation.epoch,
          generation.seq,
          name,
          value,
          String(lifetime),
          token ?? '',
          String(lifetime + INDEX_MARGIN_MS),
          encodeBusMessage(context.namespace, { kind: 'filled', entry: name }),
          String(scopes.length),
          ...scopes,
          ...forms,
        ];
        context.guard
          .run(() => runScript(context.connection, COMMIT, `${context.prefix}gen`, args))
          .catch(noop);
      } catch {
        // A payload that cannot be encoded is simply not shared; the caller already has it.
      }
    },
    release,
  };
}
