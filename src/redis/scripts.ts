/**
 * The tier's Lua scripts, each followed by its arguments by name (turned into its ARGV in one place) and its reply
 * decoded by name, so that no caller counts positions. See PROTOCOL.md.
 */

import { createHash, randomBytes } from 'node:crypto';
import { MAX_ENTRY_PLAINTEXT_BYTES, sealedLength } from './crypto.js';

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

/**
 * The longest entry text the tier writes: its fetch order, a dot and the sealed entry. A longer value in Redis was
 * not written by the tier (a mistake, or an attack on the memory of every reader): READ answers it as oversized
 * without sending it.
 */
export const MAX_ENTRY_CHARS = MAX_ORDER_DIGITS + 1 + sealedLength(MAX_ENTRY_PLAINTEXT_BYTES);

/** One text of a Lua script, run with EVALSHA (EVAL when the server does not know it yet). */
interface LuaScript {
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
 * Reads entries and takes leases in one atomic step, with the generation (epoch and sequence) the caller's later
 * commit is checked against and, when something is to be fetched, the fetch's place in the namespace's order
 * (`gen.fetch`). A missing epoch (a new namespace, a flushed Redis) is set to the caller's random candidate. Refresh
 * ahead (`aheadMs`) and values longer than {@link MAX_ENTRY_CHARS} (never sent): PROTOCOL.md, "Reading (`READ`)".
 * ARGV and reply: `readArgs`, `decodeReadReply`.
 */
export const READ = script(`
local maxChars = ${MAX_ENTRY_CHARS}
local prefix = ARGV[1]
local gen = prefix .. 'gen'
local epoch = redis.call('HGET', gen, 'epoch')
if not epoch then
  redis.call('HSETNX', gen, 'epoch', ARGV[2])
  epoch = ARGV[2]
end
local seq = redis.call('HGET', gen, 'seq') or '0'
local leaseMs = tonumber(ARGV[4])
local aheadMs = tonumber(ARGV[5])
local count = #ARGV - 5
local entries = prefix .. 'e:' .. epoch .. ':'
local leases = prefix .. 'l:' .. epoch .. ':'
-- Keys are read with one MGET rather than one command each: a cold fleet's thousand reads of a whole batch queue on
-- one primary, and each call from Lua costs about as much as the work it does. In slices: unpack has a limit.
local function mget(keys)
  local values = {}
  for first = 1, #keys, 500 do
    local slice = redis.call('MGET', unpack(keys, first, math.min(first + 499, #keys)))
    for j = 1, #slice do values[#values + 1] = slice[j] end
  end
  return values
end
-- STRLEN first: a missing entry (length 0) costs nothing more, and a value longer than any the tier writes is never
-- loaded.
local oversized, loadable, keys = {}, {}, {}
for i = 1, count do
  local key = entries .. ARGV[5 + i]
  local length = redis.call('STRLEN', key)
  oversized[i] = length > maxChars
  if length > 0 and not oversized[i] then
    loadable[#loadable + 1] = i
    keys[#keys + 1] = key
  end
end
local values = {}
local loaded = mget(keys)
for j = 1, #loadable do values[loadable[j]] = loaded[j] end
local out = { epoch, seq, '0' }
local wanted = {}
for i = 1, count do
  local value = values[i]
  local pttl = -2
  if value then pttl = redis.call('PTTL', entries .. ARGV[5 + i]) end
  if value and (leaseMs == 0 or aheadMs <= 0 or pttl < 0 or pttl > aheadMs) then
    out[3 + 2 * i - 1] = value
    out[3 + 2 * i] = pttl
  else
    if oversized[i] then out[3 + 2 * i - 1] = 0 else out[3 + 2 * i - 1] = false end
    out[3 + 2 * i] = 0
    wanted[#wanted + 1] = i
  end
end
-- Leases of the misses: the held ones found with one MGET, the free ones taken.
local fetching = false
if leaseMs > 0 and #wanted > 0 then
  keys = {}
  for j = 1, #wanted do keys[j] = leases .. ARGV[5 + wanted[j]] end
  local holders = mget(keys)
  for j = 1, #wanted do
    local lease = -1
    if not holders[j] and redis.call('SET', keys[j], ARGV[3], 'NX', 'PX', leaseMs) then lease = 1 end
    if lease == 1 then fetching = true end
    out[3 + 2 * wanted[j]] = lease
  end
elseif #wanted > 0 then
  fetching = true
end
if fetching then out[3] = tostring(redis.call('HINCRBY', gen, 'fetch', 1)) end
return out
`);

/** The arguments of `READ`, by name. */
interface ReadArgs {
  readonly prefix: string;
  /** Written into each lease taken, so that only its holder lets it go. */
  readonly token: string;
  /** How long a lease taken now lasts; 0 takes none (and every entry held is a hit). */
  readonly leaseMs: number;
  /** An entry expiring within this is refreshed by whoever takes its lease; 0 never. */
  readonly aheadMs: number;
  readonly names: readonly string[];
}

/** A random epoch, set by `READ` or `INVALIDATE` when the namespace has none (or for `all`, a new one). */
const newEpoch = (): string => randomBytes(8).toString('hex');

/** ARGV of `READ`, with a new epoch to set when the namespace has none. */
export function readArgs(args: ReadArgs): string[] {
  return [args.prefix, newEpoch(), args.token, String(args.leaseMs), String(args.aheadMs), ...args.names];
}

/** One entry's answer in {@link ReadReply}. */
type ReadSlot =
  | { readonly found: true; readonly text: string; readonly pttl: number }
  /**
   * `lease`: 1 taken by the caller, -1 held by another process, 0 none asked. `oversized`: Redis holds a value
   * longer than `MAX_ENTRY_CHARS`, not sent (a miss to report).
   */
  | { readonly found: false; readonly lease: 1 | -1 | 0; readonly oversized: boolean };

/**
 * Where a fetch stands: the epoch and invalidation sequence it read at, and its place in the order of fetches, taken
 * from Redis before it began (`READ`'s is '0' when it leads to no fetch). A commit is checked against it.
 */
export interface Generation {
  readonly epoch: string;
  readonly seq: string;
  readonly order: string;
}

/** What `READ` answers: the read's generation, and one slot per name. */
export interface ReadReply extends Generation {
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

/**
 * Writes an entry unless the epoch changed; an invalidation recorded after the caller's read names one of its
 * forms or scopes; the log no longer holds every invalidation since that read (trimmed, or evicted by a Redis
 * short of memory); or the entry held now was written by a fetch that began later (a higher `order`, the prefix
 * of every entry's text). Indexes it under every form and scope and, when the caller held the entry's lease, lets go
 * of it and publishes the `filled` notice (with PUBLISH or SPUBLISH, per variant). See PROTOCOL.md.
 *
 * ARGV: `CommitArgs` (built by `commitArgs`). Returns 1 when written, 0 when refused.
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
-- A refused commit lets its lease go and wakes the waiters with the notice that carries no text (never the refused
-- one): they look at Redis at once, and one of them takes the lease.
local function refuse()
  if letGo() then redis.call(PUBLISH, prefix .. 'bus', ARGV[12]) end
  return 0
end
if redis.call('HGET', gen, 'epoch') ~= epoch then
  return refuse()
end
local seq = tonumber(ARGV[3])
local current = tonumber(redis.call('HGET', gen, 'seq') or '0')
local floor = tonumber(redis.call('HGET', gen, 'floor') or '0')
if seq < floor or seq > current then
  return refuse()
end
local concerned = {}
for i = 14, #ARGV do concerned[ARGV[i]] = true end
-- The invalidation a read past the caches made after its fetch, and commits under: the one record not held against it.
local own = tonumber(ARGV[13])
if current > seq then
  -- Every sequence after the read must still be in the log (an evicted or trimmed log refuses the write), and
  -- none of them may name one of the entry's forms or scopes.
  local later = redis.call('ZRANGEBYSCORE', prefix .. 'log', '(' .. seq, '+inf', 'WITHSCORES')
  local seen, distinct = {}, 0
  for i = 1, #later, 2 do
    if tonumber(later[i + 1]) ~= own and concerned[string.match(later[i], ':(.*)$')] then
      return refuse()
    end
    if not seen[later[i + 1]] then
      seen[later[i + 1]] = true
      distinct = distinct + 1
    end
  end
  if distinct < current - seq then
    return refuse()
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
    return refuse()
  end
end
redis.call('SET', key, ARGV[11] .. '.' .. ARGV[5], 'PX', ARGV[6])
local scopes = tonumber(ARGV[10])
local indexMs = tonumber(ARGV[8])
for i = 14, #ARGV do
  local index
  if i < 14 + scopes then index = prefix .. 's:' .. epoch .. ':' .. ARGV[i]
  else index = prefix .. 'i:' .. epoch .. ':' .. ARGV[i] end
  redis.call('SADD', index, key)
  if redis.call('PTTL', index) < indexMs then redis.call('PEXPIRE', index, indexMs) end
end
-- Only a lease holder has readers waiting on it; a thousand processes that fetched past their wait announce nothing.
if letGo() then redis.call(PUBLISH, prefix .. 'bus', ARGV[9]) end
return 1
`);

/** The arguments of `COMMIT`, by name. */
interface CommitArgs extends Generation {
  readonly prefix: string;
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
  /**
   * The sequence of the invalidation a read past the caches made after its fetch (its `seq` is from before the
   * fetch): that invalidation alone is not held against the commit. `undefined` for any other commit.
   */
  readonly ownSeq?: string | undefined;
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
    args.ownSeq ?? '0',
    ...args.scopes,
    ...args.forms,
  ];
}

/**
 * Records an invalidation and drops what it names, then publishes the bus messages, in one atomic step. `kind` is
 * `form` (the hashes are id forms), `scope` (scope hashes) or `all` (a new epoch: every entry of the namespace
 * becomes unreachable and every commit in flight is refused). `entries` are deleted directly as well (the current
 * version under the id as given), so that an index evicted by a Redis short of memory does not keep the commonest
 * entry alive. See PROTOCOL.md, "Invalidating (`INVALIDATE`)". ARGV and reply: `invalidateArgs`,
 * `decodeInvalidateReply` (a fetch order too, for a `refresh: true` read that commits under this invalidation).
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

/** One invalidation, the arguments of `INVALIDATE` by name (but the namespace's). */
export interface Invalidation {
  /** `form` (hashes are id forms), `scope` (scope hashes) or `all` (a new epoch). */
  readonly kind: 'form' | 'scope' | 'all';
  /** Published on the bus, one per key. */
  readonly messages: readonly string[];
  /** Entry names deleted directly as well. */
  readonly entries: readonly string[];
  readonly hashes: readonly string[];
}

/** Invalidations the log remembers; a commit whose read is older than the log reaches is refused. */
const MAX_LOG = 10_000;

/** ARGV of `INVALIDATE` in the namespace of `prefix`, published on its bus, with a new epoch for `all`. */
export function invalidateArgs(prefix: string, invalidation: Invalidation): string[] {
  return [
    prefix,
    `${prefix}bus`,
    invalidation.kind,
    String(MAX_LOG),
    newEpoch(),
    String(invalidation.messages.length),
    String(invalidation.entries.length),
    ...invalidation.messages,
    ...invalidation.entries,
    ...invalidation.hashes,
  ];
}

/**
 * What `INVALIDATE` answers: the generation right after it (a fetch order taken then) and, always the reply's last
 * three fields, what it did in the fleet.
 */
export interface InvalidateReply extends Generation {
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

/**
 * Lets go of a lease the caller holds (after a failed fetch) and publishes its `filled` notice, which wakes the
 * readers waiting on the lease. ARGV: the lease key, the holder's token (a lease taken over by another process after
 * `leaseMs` is not the caller's to drop), the channel and the notice.
 */
export const RELEASE = script(`
if redis.call('GET', ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('DEL', ARGV[1])
redis.call(PUBLISH, ARGV[3], ARGV[4])
return 1
`);

/**
 * Extends a lease the caller still holds (its fetch is still running), so that the readers waiting on it keep
 * waiting rather than fetching themselves; a lease that is another's, or gone, is left alone. ARGV: the lease key,
 * the holder's token and the lease's new lifetime from now.
 */
export const RENEW = script(`
if redis.call('GET', ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('PEXPIRE', ARGV[1], ARGV[3])
return 1
`);
