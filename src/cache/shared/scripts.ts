import { createHash } from 'node:crypto';
import { sealedLength } from './crypto.js';
import { MAX_ENTRY_PLAINTEXT_BYTES } from './entry.js';

/**
 * The longest entry text the tier writes. A longer value in Redis was not written by the tier (a mistake, or an
 * attack on the memory of every reader): READ answers it as oversized without sending it.
 */
export const MAX_ENTRY_CHARS = sealedLength(MAX_ENTRY_PLAINTEXT_BYTES);

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
 * caller's later commit is checked against. A missing epoch (a new namespace, or a flushed Redis) is set to the
 * caller's random candidate.
 *
 * ARGV: prefix, epoch candidate, lease token, lease ms (0: take no lease), entry names…
 * Returns: epoch, seq, then per name either (value, pttl) or (false, lease) where lease is 1 (taken by the
 * caller), -1 (held by another process) or 0 (none asked); a value longer than {@link MAX_ENTRY_CHARS} is not
 * sent: it is (0, lease) instead, a miss to report.
 */
export const READ = script(`
local maxChars = ${MAX_ENTRY_CHARS}
local prefix = ARGV[1]
local gen = prefix .. 'gen'
redis.call('HSETNX', gen, 'epoch', ARGV[2])
local epoch = redis.call('HGET', gen, 'epoch')
local seq = redis.call('HGET', gen, 'seq') or '0'
local leaseMs = tonumber(ARGV[4])
local out = { epoch, seq }
for i = 5, #ARGV do
  local key = prefix .. 'e:' .. epoch .. ':' .. ARGV[i]
  local oversized = redis.call('STRLEN', key) > maxChars
  local value = false
  if not oversized then value = redis.call('GET', key) end
  if value then
    out[#out + 1] = value
    out[#out + 1] = redis.call('PTTL', key)
  else
    local lease = 0
    if leaseMs > 0 then
      if redis.call('SET', prefix .. 'l:' .. epoch .. ':' .. ARGV[i], ARGV[3], 'NX', 'PX', leaseMs) then
        lease = 1
      else
        lease = -1
      end
    end
    if oversized then out[#out + 1] = 0 else out[#out + 1] = false end
    out[#out + 1] = lease
  end
end
return out
`);

/**
 * Writes an entry unless an invalidation recorded after the caller's read names one of its forms or scopes, the
 * log no longer holds every invalidation since that read (trimmed, or evicted by a Redis short of memory), or the
 * epoch changed; indexes it under every form and scope; lets go of
 * the caller's lease.
 *
 * ARGV: prefix, epoch, seq, entry name, value, ttl ms, lease token, index ttl ms, the bus message saying it was
 * written, n scopes, scopes… forms…
 * Returns 1 when written, 0 when refused.
 */
export const COMMIT = script(`
local prefix = ARGV[1]
local gen = prefix .. 'gen'
local epoch = ARGV[2]
local lease = prefix .. 'l:' .. epoch .. ':' .. ARGV[4]
local function letGo()
  if redis.call('GET', lease) == ARGV[7] then redis.call('DEL', lease) end
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
for i = 11, #ARGV do concerned[ARGV[i]] = true end
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
redis.call('SET', key, ARGV[5], 'PX', ARGV[6])
local scopes = tonumber(ARGV[10])
local indexMs = tonumber(ARGV[8])
for i = 11, #ARGV do
  local index
  if i < 11 + scopes then index = prefix .. 's:' .. epoch .. ':' .. ARGV[i]
  else index = prefix .. 'i:' .. epoch .. ':' .. ARGV[i] end
  redis.call('SADD', index, key)
  if redis.call('PTTL', index) < indexMs then redis.call('PEXPIRE', index, indexMs) end
end
letGo()
redis.call(PUBLISH, prefix .. 'bus', ARGV[9])
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
 * ARGV: prefix, channel, kind, max log entries, epoch candidate, n messages, n entries, messages…, entries…,
 * hashes…
 * Returns the new sequence; its last three fields are always, in order: the entries deleted, the most subscribers
 * one bus message reached, and what the namespace's key marker (`keys`, written by every reading process) says of
 * the keys of the messages: 2 one of them is in use, 1 only other keys are, 0 no process ever marked one.
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
return { seq, removed, heard, marker }
`);

/** Lets go of a lease the caller holds (after a failed fetch). ARGV: lease key, token. */
export const RELEASE = script(`
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`);
