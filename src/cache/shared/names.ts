import type { SecretLocator, SecretPayload } from '../../types.js';
import { normalizeLocator } from '../cache-key.js';
import { type DerivedKey, hmacHex, hmacHexOf, lengthPrefixed } from './crypto.js';

/**
 * Names in Redis. Every key starts with `secret-refs:{<namespace>}:` (one hash tag, so an ACL or a cluster slot
 * can hold a namespace), followed by one of:
 *
 * - `gen`: a hash with `epoch` (random; a namespace clear or a flush gives a new one), `seq` (the invalidation
 *   counter) and `floor` (the oldest sequence the log still covers);
 * - `log`: a sorted set of recent invalidations, `<seq>:<hashed form>` scored by sequence;
 * - `e:<epoch>:<entry name>`: an encrypted entry; `l:<epoch>:<entry name>`: its fetch lease;
 * - `i:<epoch>:<form>`: the entry keys an id form names; `s:<epoch>:<scope>`: the entry keys of a scope;
 * - `keys`: a hash of the key ids (see crypto.ts) of the processes that read the namespace, each with when it was
 *   marked, so that an operator's clear can tell a wrong key or a misspelt namespace;
 * - the channel `bus`.
 *
 * Entry names, forms and scopes are HMACs under the `names` key: no secret name, ARN, region or credential.
 * @example
 *   keyPrefix('prod'); // 'secret-refs:{prod}:'
 */
export function keyPrefix(namespace: string): string {
  return `secret-refs:{${namespace}}:`;
}

/** The names one key derives for one scope (the scope text that `sharedIdentity` computed with that key). */
export interface ScopeNames {
  readonly key: DerivedKey;
  /** The scope as hashed into Redis. */
  readonly scope: string;
  /** The entry name of a locator. */
  entry(locator: SecretLocator): string;
  /** The hashed form of one secret id within the scope. */
  form(secretId: string): string;
}

/**
 * Names already computed, by what they name: a bounded LRU shared by the tiers of a process that hold the same
 * keys, so that a read, a commit or a bus message tested against every in-process entry costs a lookup rather than
 * an HMAC per entry.
 */
export interface NameMemo {
  get(slot: string): string | undefined;
  set(slot: string, name: string): unknown;
}

/**
 * `hmacHex(key.names, ...parts)` where `head` holds the first parts already joined by `lengthPrefixed` (a scope's
 * text is joined once, not at every read), through `memo` when there is one.
 */
const ANY = lengthPrefixed(['any']);

function nameOf(key: DerivedKey, memo: NameMemo | undefined, head: string, rest: string[]): string {
  const text = head + lengthPrefixed(rest);
  if (!memo) return hmacHexOf(key.names, text);
  const slot = key.id + text;
  let name = memo.get(slot);
  if (name === undefined) {
    name = hmacHexOf(key.names, text);
    memo.set(slot, name);
  }
  return name;
}

/**
 * The hashed form of a secret id in every scope (for an operator's namespace-wide clear of one secret).
 * @example
 *   const form = anyScopeForm(key, 'prod/db');
 */
export function anyScopeForm(key: DerivedKey, secretId: string, memo?: NameMemo): string {
  return nameOf(key, memo, ANY, [secretId]);
}

/**
 * The names of one scope under one key.
 * @example
 *   const name = scopeNames(key, scopeText).entry({ secretId: 'prod/db' });
 */
export function scopeNames(key: DerivedKey, scopeText: string, memo?: NameMemo): ScopeNames {
  const entryHead = lengthPrefixed(['entry', scopeText]);
  const formHead = lengthPrefixed(['form', scopeText]);
  return {
    key,
    scope: hmacHex(key.names, 'scope', scopeText),
    entry(locator) {
      const { secretId, versionStage, versionId, service } = normalizeLocator(locator);
      const stage = versionStage === undefined ? '' : `=${versionStage}`;
      const version = versionId === undefined ? '' : `=${versionId}`;
      // A Parameter Store entry is named with its service, so it never shares a name with a secret's.
      if (service !== undefined) return nameOf(key, memo, entryHead, [secretId, stage, version, service]);
      return nameOf(key, memo, entryHead, [secretId, stage, version]);
    },
    form(secretId) {
      return nameOf(key, memo, formHead, [secretId]);
    },
  };
}

const ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * Every id a secret can be named by, given how it was read and what was fetched: the id as read, its name, its
 * full ARN and its partial ARN (the full ARN without AWS's six-character suffix).
 * @example
 *   idForms('prod/db', { name: 'prod/db', arn }); // ['prod/db', arn, arn without '-AbCdEf']
 */
export function idForms(secretId: string, payload: SecretPayload | undefined): string[] {
  const ids = new Set([secretId]);
  if (payload?.name !== undefined) ids.add(payload.name);
  if (payload?.arn !== undefined) {
    ids.add(payload.arn);
    if (ARN_SUFFIX.test(payload.arn)) ids.add(payload.arn.slice(0, -7));
  }
  return [...ids];
}
