/**
 * The tier's scripts (scripts.ts) as TypeScript sees them: each script's arguments by name, turned into its ARGV in
 * one place, and each reply decoded by name, so that no caller counts positions. See PROTOCOL.md.
 */

/** The longest fetch order an entry's text starts with (`<order>.`, see {@link splitEntryText}). */
export const MAX_ORDER_DIGITS = 20;
const ORDER_PREFIX = new RegExp(`^(\\d{1,${MAX_ORDER_DIGITS}})\\.`);

/**
 * Splits an entry's text in Redis into its fetch order and its sealed value. Entries written before orders existed
 * have none (`undefined`; the script reads them as order 0).
 */
export function splitEntryText(text: string): { order: string | undefined; sealed: string } {
  const match = ORDER_PREFIX.exec(text);
  return match
    ? { order: match[1]!, sealed: text.slice(match[0].length) }
    : { order: undefined, sealed: text };
}

/** The arguments of `READ`, by name. */
export interface ReadArgs {
  readonly prefix: string;
  /** The epoch to set when the namespace has none. */
  readonly epochCandidate: string;
  /** Written into each lease taken, so that only its holder lets it go. */
  readonly token: string;
  /** How long a lease taken now lasts; 0 takes none (and every entry held is a hit). */
  readonly leaseMs: number;
  /** An entry expiring within this is refreshed by whoever takes its lease; 0 never. */
  readonly aheadMs: number;
  readonly names: readonly string[];
}

/** ARGV of `READ`. */
export function readArgs(args: ReadArgs): string[] {
  return [
    args.prefix,
    args.epochCandidate,
    args.token,
    String(args.leaseMs),
    String(args.aheadMs),
    ...args.names,
  ];
}

/** One entry's answer in {@link ReadReply}. */
export type ReadSlot =
  | { readonly found: true; readonly text: string; readonly pttl: number }
  /**
   * `lease`: 1 taken by the caller, -1 held by another process, 0 none asked. `oversized`: Redis holds a value
   * longer than `MAX_ENTRY_CHARS`, not sent (a miss to report).
   */
  | { readonly found: false; readonly lease: 1 | -1 | 0; readonly oversized: boolean };

/** What `READ` answers. */
export interface ReadReply {
  readonly epoch: string;
  /** The invalidation sequence when the read was made. */
  readonly seq: string;
  /** This read's place in the order of fetches ('0' when it leads to no fetch). */
  readonly order: string;
  readonly slots: readonly ReadSlot[];
}

/**
 * Decodes `READ`'s reply for `count` names; `undefined` when it has another shape. Per name, the reply holds
 * (text, pttl) for an entry, (false, lease) for a miss, and (0, lease) for an oversized value.
 */
export function decodeReadReply(reply: unknown, count: number): ReadReply | undefined {
  if (!Array.isArray(reply) || reply.length !== 3 + count * 2) return undefined;
  const slots: ReadSlot[] = [];
  for (let index = 0; index < count; index++) {
    const value: unknown = reply[3 + index * 2];
    const second = Number(reply[4 + index * 2]);
    if (typeof value === 'string') slots.push({ found: true, text: value, pttl: second });
    else
      slots.push({
        found: false,
        lease: second === 1 ? 1 : second === -1 ? -1 : 0,
        oversized: value === 0,
      });
  }
  return { epoch: String(reply[0]), seq: String(reply[1]), order: String(reply[2]), slots };
}

/** The arguments of `COMMIT`, by name. */
export interface CommitArgs {
  readonly prefix: string;
  readonly epoch: string;
  /** The invalidation sequence of the read the fetch followed. */
  readonly seq: string;
  /** The fetch's place in the order of fetches (see {@link ReadReply.order}). */
  readonly order: string;
  readonly name: string;
  /** The sealed value (the order is prefixed by the script). */
  readonly sealed: string;
  readonly ttlMs: number;
  /** The caller's lease token; '' when it holds none. */
  readonly token: string;
  readonly indexTtlMs: number;
  /** The bus message published once the entry is written (a `filled` message, see bus.ts). */
  readonly notice: string;
  /** The `filled` message without a text, published when the commit is refused and lets the caller's lease go. */
  readonly refusedNotice: string;
  readonly scopes: readonly string[];
  readonly forms: readonly string[];
}

/** ARGV of `COMMIT`. */
export function commitArgs(args: CommitArgs): string[] {
  return [
    args.prefix,
    args.epoch,
    args.seq,
    args.name,
    args.sealed,
    String(args.ttlMs),
    args.token,
    String(args.indexTtlMs),
    args.notice,
    String(args.scopes.length),
    args.order,
    args.refusedNotice,
    ...args.scopes,
    ...args.forms,
  ];
}

/** The arguments of `INVALIDATE`, by name. */
export interface InvalidateArgs {
  readonly prefix: string;
  readonly channel: string;
  /** `form` (hashes are id forms), `scope` (scope hashes) or `all` (a new epoch). */
  readonly kind: 'form' | 'scope' | 'all';
  readonly maxLog: number;
  readonly epochCandidate: string;
  /** Published on the bus, one per key. */
  readonly messages: readonly string[];
  /** Entry names deleted directly as well. */
  readonly entries: readonly string[];
  readonly hashes: readonly string[];
}

/** ARGV of `INVALIDATE`. */
export function invalidateArgs(args: InvalidateArgs): string[] {
  return [
    args.prefix,
    args.channel,
    args.kind,
    String(args.maxLog),
    args.epochCandidate,
    String(args.messages.length),
    String(args.entries.length),
    ...args.messages,
    ...args.entries,
    ...args.hashes,
  ];
}

/**
 * What `INVALIDATE` answers: the generation right after it, a fetch order taken then, and (always the reply's
 * last three fields) what it did in the fleet.
 */
export interface InvalidateReply {
  readonly seq: string;
  readonly epoch: string;
  readonly order: string;
  /** Entries deleted from Redis. */
  readonly removed: number;
  /** The most subscribers one of its bus messages reached (this process included, when it listens). */
  readonly heard: number;
  /**
   * What the namespace's key marker (`keys`, written by every reading process) says of the messages' keys: 2 one of
   * them is in use, 1 only other keys are, 0 no process marked one.
   */
  readonly marker: 0 | 1 | 2;
}

/** A count in a reply: a non-negative safe integer, else 0. */
const count = (value: unknown): number => {
  const number = Number(value);
  return Number.isSafeInteger(number) && number > 0 ? number : 0;
};

/** Decodes `INVALIDATE`'s reply; `undefined` when it has another shape. */
export function decodeInvalidateReply(reply: unknown): InvalidateReply | undefined {
  if (!Array.isArray(reply) || reply.length !== 6 || typeof reply[1] !== 'string') return undefined;
  const marker = Number(reply[5]);
  return {
    seq: String(reply[0]),
    epoch: reply[1],
    order: String(reply[2]),
    removed: count(reply[3]),
    heard: count(reply[4]),
    marker: marker === 2 ? 2 : marker === 1 ? 1 : 0,
  };
}
