import { createHash } from 'node:crypto';
import { sealedLength } from './crypto.js';
import { MAX_ENTRY_PLAINTEXT_BYTES } from './entry.js';

/** The longest fetch order an entry's text starts with (`<order>.`, see {@link splitEntryText}). */
const MAX_ORDER_DIGITS = 20;
const ORDER_PREFIX = new RegExp(`^(\\d{1,${MAX_ORDER_DIGITS}})\\.`);

/**
 * The longest entry text the tier writes: its fetch order, a dot and the sealed entry. A longer value in Redis was
 * not written by the tier (a mistake, or an attack on the memory of every reader): READ answers it as oversized
 * without sending it.
 */
export const MAX_ENTRY_CHARS = MAX_ORDER_DIGITS + 1 + sealedLength(MAX_ENTRY_PLAINTEXT_BYTES);

/** One text of a Lua script, run with EVALSHA (EVAL when the server does not know it yet). */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/**
 * A script of the tier in its two variants: `classic` publishes on the bus with PUBLISH (one Redis server),
 * `sharded` with SPUBLISH (a cluster, where the channel lives in the namespace's slot). Every script is called with
 * one key, in the namespace's slot, that routes it on a cluster; the scripts use ARGV only.
 */
export interface TierScript {
  readonly classic: LuaScript;
  readonly sharded: LuaScript;
}

function script(source: string): TierScript {
  const variant = (publish: string): LuaScript => {
    const text = `local PUBLISH = '${publish}'\n${source}`;
    return Object.freeze({ source: text, sha: createHash('sha1').update(text).digest('hex') });
  };
  return Object.freeze({ classic: variant('PUBLISH'), sharded: variant('SPUBLISH') });
}

/**
 * Reads entries and takes leases, in one atomic step that also reads the generation (epoch and sequence) the
 * caller's later commit is checked against, and, when something is to be fetched, takes the fetch's place in the
 * namespace's order (`gen.fetch`, one more for each read that may lead to a commit). A missing epoch (a new
 * namespace, or a flushed Redis) is set to the caller's random candidate. With `aheadMs`, an entry that expires
 * within `aheadMs` is answered like a miss while its lease is free (the caller refreshes it from the provider) or
 * held (the caller waits for the refresh); once the caller asks for no lease, it is a hit again. A value longer
 * than {@link MAX_ENTRY_CHARS} is never sent (its length is checked first): it is a miss to report. See PROTOCOL.md.
 *
 * ARGV and reply: {@link ReadArgs}, {@link ReadReply} (built and decoded by {@link readArgs} and
 * {@link decodeReadReply}).
 */
export const READ = script(`
local maxChars = ${MAX_ENTRY_CHARS}
local prefix = ARGV[1]
local gen = prefix .. 'gen'
redis.call('HSETNX', gen, 'epoch', ARGV[2])
local epoch = redis.call('HGET', gen, 'epoch')
local seq = redis.call('HGET', gen, 'seq') or '0'
local leaseMs = tonumber(ARGV[4])
local aheadMs = tonumber(ARGV[5])
local out = { epoch, seq, '0' }
local fetching = false
for i = 6, #ARGV do
  local key = prefix .. 'e:' .. epoch .. ':' .. ARGV[i]
  local oversized = redis.call('STRLEN', key) > maxChars
  local value = false
  local pttl = -2
  if not oversized then value = redis.call('GET', key) end
  if value then pttl = redis.call('PTTL', key) end
  if value and (leaseMs == 0 or aheadMs <= 0 or pttl < 0 or pttl > aheadMs) then
    out[#out + 1] = value
    out[#out + 1] = pttl
  else
    local lease = 0
    if leaseMs > 0 then
      if redis.call('SET', prefix .. 'l:' .. epoch .. ':' .. ARGV[i], ARGV[3], 'NX', 'PX', leaseMs) then
        lease = 1
      else
        lease = -1
      end
    end
    if lease ~= -1 then fetching = true end
    if oversized then out[#out + 1] = 0 else out[#out + 1] = false end
    out[#out + 1] = lease
  end
end
if fetching then out[3] = tostring(redis.call('HINCRBY', gen, 'fetch', 1)) end
return out
`);

/**
 * Writes an entry unless the epoch changed; an invalidation recorded after the caller's read names one of its
 * forms or scopes; the log no longer holds every invalidation since that read (trimmed, or evicted by a Redis
 * short of memory); or the entry held now was written by a fetch that began later (a higher `order`, the prefix
 * of every entry's text). Indexes it under every form and scope and, when the caller held the entry's lease, lets go
 * of it and publishes the `filled` notice (with PUBLISH or SPUBLISH, per variant). See PROTOCOL.md.
 *
 * ARGV: {@link CommitArgs} (built by {@link commitArgs}). Returns 1 when written, 0 when refused.
 */
export const COMMIT = script(`
local prefix = ARGV[1]
local gen = prefix .. 'gen'
local epoch = ARGV[2]
local lease = prefix .. 'l:' .. epoch .. ':' .. ARGV[4]
local function letGo()
  if redis.call('GET', lease) == ARGV[7] then return redis.call('DEL', lease) == 1 end
  return false
end
if redis.call('HGET', gen, 'epoch') ~= epoch then
  letGo()
  return 0
end
local seq = tonumber(ARGV[3])
local current = tonumber(redis.call('HGET', gen, 'seq') or '0')
local floor = tonumber(redis.call('HGET', gen, 'floor') or '0')
if seq < floor or seq > current then
  letGo()
  return 0
end
local concerned = {}
for i = 12, #ARGV do concerned[ARGV[i]] = true end
if current > seq then
  -- Every sequence after the read must still be in the log (an evicted or trimmed log refuses the write), and
  -- none of them may name one of the entry's forms or scopes.
  local later = redis.call('ZRANGEBYSCORE', prefix .. 'log', '(' .. seq, '+inf', 'WITHSCORES')
  local seen, distinct = {}, 0
  for i = 1, #later, 2 do
    if concerned[string.match(later[i], ':(.*)$')] then
      letGo()
      return 0
    end
    if not seen[later[i + 1]] then
      seen[later[i + 1]] = true
      distinct = distinct + 1
    end
  end
  if distinct < current - seq then
    letGo()
    return 0
  end
end
local key = prefix .. 'e:' .. epoch .. ':' .. ARGV[4]
-- An entry written from a fetch that began later than this one holds a newer (or the same) version: keep it.
-- A value longer than any entry the tier writes was not written by it: it is replaced, and never loaded.
local held = false
if redis.call('STRLEN', key) <= ${MAX_ENTRY_CHARS} then held = redis.call('GET', key) end
if held then
  local heldOrder = tonumber(string.match(held, '^(%d+)%.') or '0')
  if heldOrder > tonumber(ARGV[11]) then
    letGo()
    return 0
  end
end
redis.call('SET', key, ARGV[11] .. '.' .. ARGV[5], 'PX', ARGV[6])
local scopes = tonumber(ARGV[10])
local indexMs = tonumber(ARGV[8])
for i = 12, #ARGV do
  local index
  if i < 12 + scopes then index = prefix .. 's:' .. epoch .. ':' .. ARGV[i]
  else index = prefix .. 'i:' .. epoch .. ':' .. ARGV[i] end
  redis.call('SADD', index, key)
  if redis.call('PTTL', index) < indexMs then redis.call('PEXPIRE', index, indexMs) end
end
-- Only a lease holder has readers waiting on it; a thousand processes that fetched past their wait announce nothing.
if letGo() then redis.call(PUBLISH, prefix .. 'bus', ARGV[9]) end
return 1
`);

/**
 * Records an invalidation and drops what it names, then publishes the bus messages, in one atomic step.
 * `kind` is `form` (the hashes are id forms), `scope` (scope hashes) or `all` (a new epoch: every entry of the
 * namespace becomes unreachable and every commit in flight is refused).
 *
 * `entries` are entry names to delete directly as well (the current version under the id as given), so that an
 * index evicted by a Redis short of memory does not keep the commonest entry alive.
 *
 * ARGV: {@link InvalidateArgs} (built by {@link invalidateArgs}). Reply: {@link InvalidateReply} (decoded by
 * {@link decodeInvalidateReply}): the new sequence, the epoch and a fetch order, so that a caller that fetched
 * before invalidating (a `refresh: true` read) can commit what it fetched under this very invalidation; then, always
 * as its last three fields, the entries deleted, the most subscribers one bus message reached and what the key
 * marker says of the messages' keys.
 */
export const INVALIDATE = script(`
local prefix = ARGV[1]
local gen = prefix .. 'gen'
local log = prefix .. 'log'
local kind = ARGV[3]
local messages = tonumber(ARGV[6])
local entries = tonumber(ARGV[7])
local removed = 0
local seq = redis.call('HINCRBY', gen, 'seq', 1)
if kind == 'all' then
  redis.call('HSET', gen, 'epoch', ARGV[5])
else
  local epoch = redis.call('HGET', gen, 'epoch')
  local area = 'i:'
  if kind == 'scope' then area = 's:' end
  if epoch then
    for i = 8 + messages, 7 + messages + entries do
      removed = removed + redis.call('DEL', prefix .. 'e:' .. epoch .. ':' .. ARGV[i])
    end
  end
  for i = 8 + messages + entries, #ARGV do
    redis.call('ZADD', log, seq, seq .. ':' .. ARGV[i])
    if epoch then
      local index = prefix .. area .. epoch .. ':' .. ARGV[i]
      local members = redis.call('SMEMBERS', index)
      for j = 1, #members, 500 do
        removed = removed + redis.call('DEL', unpack(members, j, math.min(j + 499, #members)))
      end
      redis.call('DEL', index)
    end
  end
  local size = redis.call('ZCARD', log)
  local max = tonumber(ARGV[4])
  if size > max then
    local cut = redis.call('ZRANGE', log, size - max - 1, size - max - 1, 'WITHSCORES')
    redis.call('HSET', gen, 'floor', cut[2])
    redis.call('ZREMRANGEBYRANK', log, 0, size - max - 1)
  end
end
local heard, marker = 0, 0
if redis.call('EXISTS', prefix .. 'keys') == 1 then marker = 1 end
for i = 8, 7 + messages do
  heard = math.max(heard, redis.call(PUBLISH, ARGV[2], ARGV[i]))
  -- sr1.<kind>.<key id>.…: the key id is characters 7 to 14
  if redis.call('HEXISTS', prefix .. 'keys', string.sub(ARGV[i], 7, 14)) == 1 then marker = 2 end
end
local order = redis.call('HINCRBY', gen, 'fetch', 1)
return { seq, redis.call('HGET', gen, 'epoch') or false, order, removed, heard, marker }
`);

/** Lets go of a lease the caller holds (after a failed fetch) and publishes its `filled` notice. See {@link releaseArgs}. */
export const RELEASE = script(`
if redis.call('GET', ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('DEL', ARGV[1])
redis.call(PUBLISH, ARGV[3], ARGV[4])
return 1
`);

/** The arguments of {@link RELEASE}, by name. */
export interface ReleaseArgs {
  readonly prefix: string;
  readonly leaseKey: string;
  /** The holder's token: a lease taken over by another process (after `leaseMs`) is not this caller's to drop. */
  readonly token: string;
  /** The entry's `filled` message, which wakes the readers waiting on the lease. */
  readonly notice: string;
}

/** ARGV of {@link RELEASE}. */
export function releaseArgs(args: ReleaseArgs): string[] {
  return [args.leaseKey, args.token, `${args.prefix}bus`, args.notice];
}

/** The arguments of {@link READ}, by name. */
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

/** ARGV of {@link READ}. */
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
   * longer than {@link MAX_ENTRY_CHARS}, not sent (a miss to report).
   */
  | { readonly found: false; readonly lease: 1 | -1 | 0; readonly oversized: boolean };

/** What {@link READ} answers. */
export interface ReadReply {
  readonly epoch: string;
  /** The invalidation sequence when the read was made. */
  readonly seq: string;
  /** This read's place in the order of fetches ('0' when it leads to no fetch). */
  readonly order: string;
  readonly slots: readonly ReadSlot[];
}

/**
 * Decodes {@link READ}'s reply for `count` names; `undefined` when it has another shape. Per name, the reply holds
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

/** The arguments of {@link COMMIT}, by name. */
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
  readonly scopes: readonly string[];
  readonly forms: readonly string[];
}

/** ARGV of {@link COMMIT}. */
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
    ...args.scopes,
    ...args.forms,
  ];
}

/** The arguments of {@link INVALIDATE}, by name. */
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

/** ARGV of {@link INVALIDATE}. */
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
 * What {@link INVALIDATE} answers: the generation right after it, a fetch order taken then, and (always the reply's
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

/** Decodes {@link INVALIDATE}'s reply; `undefined` when it has another shape. */
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
