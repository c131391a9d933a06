import { randomBytes } from 'node:crypto';
import type { SharedHit, SharedMiss, SharedRead, SharedWait } from '../cache/tier.js';
import type { SecretLocator } from '../types.js';
import { MAX_LEASES_HELD, missWithCommit, type ReadContext } from './commit.js';
import { decodeEntry, openEntry } from './crypto.js';
import { stalledSoFar, watchStalls } from './guard.js';
import type { ScopeNames } from './names.js';
import {
  decodeReadReply,
  type Generation,
  READ,
  type ReadReply,
  readArgs,
  splitEntryText,
} from './scripts.js';

/**
 * How often, at most, a reader waiting on another process's lease looks again at all the entries it waits for (or a
 * free lease) while the bus is down. The holder's `filled` message on the bus wakes it for that entry at once;
 * polling (after 5 ms, 10 ms, 20 ms, then every 50 ms) is for a bus that is down or a message that was lost.
 */
const POLL_MS = 50;
/**
 * While the bus is up, polls come a lease apart (never more often than this): `filled` messages do the waking (a
 * holder whose commit is refused, or who lets its lease go unfilled, sends one too), so a poll finds only what no
 * message tells — a holder that died, whose lease then runs out unannounced. A thousand waiters polling sooner through
 * a long cold start would double the load of Redis while it is busiest (fleet bench: 1,200 AWS reads for 200 secrets
 * when its READs then passed `operationTimeoutMs`, 200 with polls a lease apart).
 */
const LISTENING_POLL_MS = 1_000;
const FIRST_POLL_MS = 5;
/** While the bus is down, an in-process copy of a shared entry lives no longer than this (it may miss invalidations). */
const BUS_DOWN_FRESH_MS = 1_000;
const noop = (): void => {};

/** A miss that writes nothing (Redis skipped, or no scope). */
export const PLAIN_MISS: SharedMiss = Object.freeze({ hit: false, commit: noop, release: noop });

let tokens = 0;
const PROCESS_TOKEN = randomBytes(8).toString('hex');

/**
 * Reads `locators` of one scope: hits are decrypted; a miss whose lease this process took is answered at once (the
 * caller fetches and commits); a miss leased by another process is looked at again when the holder's `filled` message
 * comes (or after {@link POLL_MS} at most) until the entry comes, the lease is free (this process then takes it),
 * `leaseMs` has passed or `signal` fires. A reader that holds leases never waits on another's: it answers at once,
 * with a `SharedWait` for each entry still waited on. With `aheadMs`, an entry that expires within `aheadMs` is a
 * miss to refresh when this process takes its lease, and is waited on like a miss while another process refreshes it.
 * @example
 *   const [read] = await readShared(context, names, [{ secretId: 'prod/db' }], signal, 0);
 */
export function readShared(
  context: ReadContext,
  names: readonly ScopeNames[],
  locators: readonly SecretLocator[],
  signal: AbortSignal | undefined,
  aheadMs: number,
): Promise<SharedRead[]> {
  const primary = names[0]!;
  const entryNames = locators.map((locator) => primary.entry(locator));
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
  // A held lease is waited on for up to MAX_LEASES_HELD leases from when this reader learns it is held (its first
  // answer), not from when it asked: a process whose own read queued behind its other work must not fetch at once.
  // Counted in the time this process's loop ran: a saturated process (a cold start of many managers in one process,
  // on a machine with fewer cores than processes) has its values waiting unread in the socket while the wall clock
  // runs, and a waiter that then fetched for itself would send the whole fleet to the provider at once.
  let deadline = Number.POSITIVE_INFINITY;
  // This reader holds a lease (it took one in some round): it then answers before it waits on another's (see below).
  let holding = false;
  const answers = new ReadAnswers(entryNames.map((name) => firstOf.get(name)!));
  // The loop's stalls counted so far, from when this reader began to wait (`undefined` until then).
  let stalledAtDeadline: number | undefined;
  const deadlineNow = (): number => {
    if (stalledAtDeadline === undefined) return deadline;
    const stalled = stalledSoFar() - stalledAtDeadline;
    if (stalled > 0) {
      deadline += stalled;
      stalledAtDeadline += stalled;
    }
    return deadline;
  };
  // While the bus is up, `filled` messages wake the waiters and polls only find a holder that died: a lease apart.
  const listeningPollMs = Math.max(LISTENING_POLL_MS, context.leaseMs);
  let wait = context.listening() ? listeningPollMs : FIRST_POLL_MS;
  let nextPoll = 0;
  let epoch = '';
  const reported = new Set<number>();
  let unwatchStalls = noop;
  let stalledAtWait = 0;
  // Entries Redis still held past the expiry sealed into them (their commit reached Redis late, or the writer's
  // clock runs behind): asked again as a refresh ahead, so that the one process that takes the lease fetches and
  // replaces it, and the others wait for it, rather than the whole fleet fetching until Redis drops it. Once only.
  // Each asked again with the time Redis gave it to live as `aheadMs`: it is then a miss to refresh, while an entry
  // written since, which lives longer, is a hit.
  const renewing = new Map<number, number>();
  // Watched before the first read: a holder's `filled` message may come before this reader hears that the lease
  // is held (its read queued behind its process's other work), and waiting for the next poll would cost it a second
  // read of its batch, and its value a second or more.
  const watch = context.watchFills(pending.map((index) => entryNames[index]!));
  const miss = (
    index: number,
    generation: Generation,
    holder: string | undefined,
    rejected: boolean,
  ): SharedMiss =>
    missWithCommit(context, names, locators[index]!, entryNames[index]!, generation, holder, rejected);
  const readRound = async (
    indexes: readonly number[],
    ahead: number,
  ): Promise<{ indexes: readonly number[]; reply: ReadReply | undefined } | undefined> => {
    if (indexes.length === 0) return undefined;
    const leaseMs = Date.now() < deadlineNow() ? context.leaseMs : 0;
    const askedNames = indexes.map((index) => entryNames[index]!);
    const args = readArgs({
      prefix: context.prefix,
      token,
      leaseMs,
      aheadMs: ahead,
      names: askedNames,
    });
    const raw = await context.run(READ, `${context.prefix}gen`, args);
    return { indexes, reply: decodeReadReply(raw, askedNames.length) };
  };
  const waitAll = async (): Promise<void> => {
    try {
      while (asked.length > 0) {
        let rounds: Awaited<ReturnType<typeof readRound>>[];
        try {
          rounds = await Promise.all([
            readRound(
              asked.filter((index) => !renewing.has(index)),
              aheadMs,
            ),
            readRound(
              asked.filter((index) => renewing.has(index)),
              Math.max(aheadMs, ...asked.map((index) => renewing.get(index) ?? 0)),
            ),
          ]);
        } catch {
          break;
        }
        if (rounds.some((round) => round !== undefined && !round.reply)) break;
        if (deadline === Number.POSITIVE_INFINITY) deadline = Date.now() + context.leaseMs * MAX_LEASES_HELD;
        const again: number[] = [];
        for (const round of rounds) {
          if (!round?.reply) continue;
          const { reply } = round;
          const answered: Generation = { epoch: reply.epoch, seq: reply.seq, order: reply.order };
          epoch = answered.epoch;
          context.onEpoch(answered.epoch);
          round.indexes.forEach((index, position) => {
            const slot = reply.slots[position]!;
            // Not sent by Redis: longer than any entry the tier writes (see MAX_ENTRY_CHARS). A miss, reported once.
            const oversized = !slot.found && slot.oversized;
            if (oversized && !reported.has(index)) {
              reported.add(index);
              context.onProblem('oversized');
            }
            if (slot.found) {
              const opened = openHit(context, answered.epoch, entryNames[index]!, slot.text, slot.pttl);
              if (opened === 'expired' && !renewing.has(index)) {
                renewing.set(index, Math.max(1, slot.pttl));
                again.push(index);
                return;
              }
              answers.decide(
                index,
                typeof opened === 'object'
                  ? opened
                  : miss(index, answered, undefined, opened === 'unreadable'),
              );
            } else if (slot.lease === 1) {
              holding = true;
              answers.decide(index, miss(index, answered, token, oversized));
            } else if (slot.lease !== -1 || Date.now() >= deadlineNow() || signal?.aborted) {
              // Past its wait, but answered by a round that took no fetch order (its read left before the wait
              // ended): read once more, asking no lease, so that its fetch has its place in the order and a slow
              // holder's commit does not replace what it writes (rule 4). An aborted read fetches nothing.
              if (slot.lease === -1 && answered.order === '0' && !signal?.aborted) again.push(index);
              else answers.decide(index, miss(index, answered, undefined, oversized));
            }
          });
        }
        pending = pending.filter((index) => !answers.isDecided(index));
        if (again.length > 0) {
          asked = again;
          continue;
        }
        // A reader that holds a lease waits on no other: the entries of a batch are leased in more than one round (an
        // expired entry is asked again, a lease whose holder died is taken over), so two readers could each hold what
        // the other waits on. It answers now: its caller fetches and commits what it holds (the `filled` messages
        // another reader may wait for) while each entry still waited on comes as a wait, settled when decided.
        if (holding && pending.length > 0) answers.handOut();
        if (nextPoll === 0) {
          unwatchStalls = watchStalls();
          stalledAtWait = stalledSoFar();
          stalledAtDeadline = stalledAtWait;
          nextPoll = Math.min(Date.now() + wait, deadline);
          watch.narrow(pending.map((index) => entryNames[index]!));
        }
        asked = [];
        while (pending.length > 0 && asked.length === 0) {
          const now = Date.now();
          if (now >= nextPoll) {
            // A poll is for a notice that never came, not for one this busy process has not read yet: the time its
            // loop was stalled (its messages then wait in the socket, read after the timers that fire late) does not
            // count, and what arrived meanwhile is read first.
            await new Promise((resolve) => setImmediate(resolve));
            const stalled = stalledSoFar() - stalledAtWait;
            stalledAtWait += stalled;
            if (stalled > 0) {
              nextPoll = Math.min(nextPoll + stalled, deadlineNow());
              if (nextPoll > Date.now()) continue;
            }
            // A poll: for a notice that was lost, or a holder that died (its lease then ends unannounced).
            asked = pending;
            // While the bus is up, a lease apart (a holder that died is found within a lease of its lease's end);
            // while it is down, sooner and sooner up to every POLL_MS.
            wait = context.listening() ? listeningPollMs : Math.min(wait * 2, POLL_MS);
            nextPoll = Math.min(now + wait, deadlineNow());
            break;
          }
          const filled = await watch.next(Math.max(0, nextPoll - now), signal);
          if (signal?.aborted) {
            asked = pending;
            break;
          }
          for (const index of pending) {
            const name = entryNames[index]!;
            if (!filled.has(name)) continue;
            // The holder's message carries what it wrote: opened here, it spares Redis a thousand reads of it. It is
            // not authenticated, and needs not be: it opens only if it was sealed for this entry under this epoch.
            const text = filled.get(name);
            const entry =
              text === undefined || !fillTextUsable(context, epoch, text)
                ? undefined
                : openText(context, epoch, name, text);
            const left = entry ? Math.min(entry.expiresAt - Date.now(), freshCap(context)) : 0;
            if (entry && left > 0)
              answers.decide(index, { hit: true, payload: entry.payload, freshForMs: left });
            else asked.push(index);
          }
          pending = pending.filter((index) => !answers.isDecided(index));
        }
      }
    } finally {
      watch.close();
      unwatchStalls();
    }
  };
  // An entry left undecided (Redis failed, or the wait ended) is a plain miss: the caller fetches it.
  waitAll().then(
    () => answers.finish(),
    (error: unknown) => answers.fail(error),
  );
  return answers.handed;
}

type Decided = SharedHit | SharedMiss;
/** How a wait handed out is settled. */
type Settle = { resolve(read: Decided): void; reject(error: unknown): void };

/**
 * The answers of one shared read (`readShared`), decided entry by entry as Redis and the bus answer. They are handed
 * to the caller once: when all are decided, or earlier (`handOut`) with a {@link SharedWait} for each entry not
 * decided yet, settled when it is. An entry never decided is a plain miss (the caller fetches it).
 */
class ReadAnswers {
  private readonly decided: (Decided | undefined)[];
  /** The waits handed out and not settled yet, by entry. */
  private waits: Map<number, Settle> | undefined;
  private resolve!: (reads: SharedRead[]) => void;
  private reject!: (error: unknown) => void;
  /** Settles once, with every answer (or a wait for it). */
  readonly handed = new Promise<SharedRead[]>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  /**
   * @param entryOf - for each locator asked, the index of the entry that answers it (a locator asked twice is
   *   answered by one entry).
   */
  constructor(private readonly entryOf: readonly number[]) {
    this.decided = entryOf.map(() => undefined);
  }

  isDecided(entry: number): boolean {
    return this.decided[entry] !== undefined;
  }

  decide(entry: number, read: Decided): void {
    this.decided[entry] = read;
    const wait = this.waits?.get(entry);
    if (wait === undefined) return;
    this.waits!.delete(entry);
    wait.resolve(read);
  }

  /**
   * Hands the answers out now, unless they were already: each entry not decided yet is a wait (one per entry, shared
   * by its locators).
   */
  handOut(): void {
    if (this.waits) return;
    const waits = new Map<number, Settle>();
    const waiting = new Map<number, SharedWait>();
    this.waits = waits;
    this.resolve(
      this.entryOf.map((entry) => {
        const decided = this.decided[entry];
        if (decided !== undefined) return decided;
        let wait = waiting.get(entry);
        if (wait === undefined) {
          const promise = new Promise<Decided>((resolve, reject) => waits.set(entry, { resolve, reject }));
          wait = { hit: false, waiting: promise };
          waiting.set(entry, wait);
        }
        return wait;
      }),
    );
  }

  /** The read is over: what is still undecided is a plain miss (the answers were maybe handed out already). */
  finish(): void {
    for (const [entry, wait] of this.waits ?? []) wait.resolve(this.decided[entry] ?? PLAIN_MISS);
    this.waits?.clear();
    this.resolve(this.entryOf.map((entry) => this.decided[entry] ?? PLAIN_MISS));
  }

  /** The read failed: the answers (or the waits, when handed out) reject. */
  fail(error: unknown): void {
    for (const wait of this.waits?.values() ?? []) wait.reject(error);
    this.waits?.clear();
    this.reject(error);
  }
}

/** Opens an entry's text: a hit, `'expired'` (a plain miss) or `'unreadable'` (failed to decrypt or verify). */
function openHit(
  context: ReadContext,
  epoch: string,
  name: string,
  value: string,
  pttl: number,
): SharedHit | 'expired' | 'unreadable' {
  const entry = openText(context, epoch, name, value);
  if (!entry) {
    context.onProblem('tampered');
    return 'unreadable';
  }
  const now = Date.now();
  if (entry.expiresAt <= now) return 'expired';
  const left = Math.min(entry.expiresAt - now, pttl > 0 ? pttl : entry.expiresAt - now, freshCap(context));
  return { hit: true, payload: entry.payload, freshForMs: Math.max(0, left) };
}

/** The payload and expiry of an entry's text, sealed for `name` under `epoch`; `undefined` when it does not open. */
function openText(context: ReadContext, epoch: string, name: string, text: string) {
  const { order, sealed } = splitEntryText(text);
  const plaintext = openEntry(context.keys, { namespace: context.namespace, epoch, name, order }, sealed);
  return plaintext === undefined ? undefined : decodeEntry(plaintext);
}

/**
 * Whether a `filled` notice's text may be taken: not when it was written before an invalidation this process made
 * (a lower fetch order in the same epoch). This process is told of its own invalidation when Redis answers, on the
 * command connection, while a notice published before it may still be on its way on the bus; the waiter then reads
 * Redis instead.
 */
function fillTextUsable(context: ReadContext, epoch: string, text: string): boolean {
  const floor = context.fillOrderFloor(epoch);
  return floor === 0 || Number(splitEntryText(text).order ?? 0) > floor;
}

/** How long a hit may be served in-process: while the bus is down, it may miss the invalidations of its entry. */
const freshCap = (context: ReadContext): number =>
  context.listening() ? Number.POSITIVE_INFINITY : BUS_DOWN_FRESH_MS;
