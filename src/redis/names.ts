import { normalizeLocator } from '../cache/cache-key.js';
import type { SecretLocator, SecretPayload } from '../types.js';
import { type DerivedKey, hmacHex, hmacHexOf, lengthPrefixed } from './crypto.js';

/**
 * The start of every key of a namespace: one hash tag, so that an ACL pattern or a cluster slot holds the namespace.
 * What follows it (`gen`, `log`, `e:`, `l:`, `i:`, `s:`, `keys`, the channel `bus`) is in PROTOCOL.md, "Keys".
 * @example
 *   keyPrefix('prod'); // 'secret-refs:{prod}:'
 */
export function keyPrefix(namespace: string): string {
  return `secret-refs:{${namespace}}:`;
}

/** The names one key derives for one scope (the scope text that `sharedIdentity` computed with that key). */
export interface ScopeNames {
  readonly key: DerivedKey;
  /** The scope text the names are derived from (this key's part of the tier's scope). */
  readonly text: string;
  /** The scope as hashed into Redis. */
  readonly scope: string;
  /** The entry name of a locator. */
  entry(locator: SecretLocator): string;
  /** The hashed form of one secret id within the scope. */
  form(secretId: string): string;
}

/**
 * Names already computed, by what they name: the tiers of a process that hold the same keys share one, so that a
 * read, a commit or a bus message tested against every in-process entry costs a lookup rather than an HMAC per
 * entry. Two levels (`slot`: a key's kind of name in a scope, fixed per scope; `id`: what is named), so that a
 * lookup builds no string.
 */
export interface NameMemo {
  get(slot: string, id: string): string | undefined;
  set(slot: string, id: string, name: string): void;
}

/**
 * A {@link NameMemo} of at most `max` names; when full, it starts again empty (names are recomputed as they are
 * asked: no order to keep up on the hot path).
 * @example
 *   const memo = createNameMemo(20_000);
 */
export function createNameMemo(max: number): NameMemo {
  let slots = new Map<string, Map<string, string>>();
  let size = 0;
  return {
    get: (slot, id) => slots.get(slot)?.get(id),
    set(slot, id, name) {
      if (size >= max) {
        slots = new Map();
        size = 0;
      }
      let names = slots.get(slot);
      if (!names) {
        names = new Map();
        slots.set(slot, names);
      }
      if (!names.has(id)) size++;
      names.set(id, name);
    },
  };
}

const ANY = lengthPrefixed(['any']);

/** `hmacHex(key.names, ...)` of `head` (parts already joined by `lengthPrefixed`) and `rest`, through `memo`. */
function nameOf(
  key: DerivedKey,
  memo: NameMemo | undefined,
  head: string,
  slot: string,
  id: string,
  rest: readonly string[],
): string {
  let name = memo?.get(slot, id);
  if (name === undefined) {
    name = hmacHexOf(key.names, head + lengthPrefixed(rest));
    memo?.set(slot, id, name);
  }
  return name;
}

/**
 * The hashed form of a secret id in every scope (for an operator's namespace-wide clear of one secret).
 * @example
 *   const form = anyScopeForm(key, 'prod/db');
 */
export function anyScopeForm(key: DerivedKey, secretId: string, memo?: NameMemo): string {
  return nameOf(key, memo, ANY, key.id + ANY, secretId, [secretId]);
}

/**
 * The names of one scope under one key.
 * @example
 *   const name = scopeNames(key, scopeText).entry({ secretId: 'prod/db' });
 */
export function scopeNames(key: DerivedKey, scopeText: string, memo?: NameMemo): ScopeNames {
  const entryHead = lengthPrefixed(['entry', scopeText]);
  const formHead = lengthPrefixed(['form', scopeText]);
  const entrySlot = key.id + entryHead;
  const formSlot = key.id + formHead;
  return {
    key,
    text: scopeText,
    scope: hmacHex(key.names, 'scope', scopeText),
    entry(locator) {
      const { secretId, versionStage, versionId, service } = normalizeLocator(locator);
      const stage = versionStage === undefined ? '' : `=${versionStage}`;
      const version = versionId === undefined ? '' : `=${versionId}`;
      // A Parameter Store entry is named with its service, so it never shares a name with a secret's.
      const rest = service === undefined ? [secretId, stage, version] : [secretId, stage, version, service];
      return nameOf(key, memo, entryHead, entrySlot, lengthPrefixed(rest), rest);
    },
    form(secretId) {
      return nameOf(key, memo, formHead, formSlot, secretId, [secretId]);
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
  const ids = new Set<string>();
  someIdForm(secretId, payload, (id) => {
    ids.add(id);
    return false;
  });
  return [...ids];
}

/**
 * Whether `test` holds for one of the {@link idForms} (it may be asked twice of one id); allocates nothing, for a
 * bus message tested against every in-process entry.
 * @example
 *   someIdForm(secretId, payload, (id) => names.form(id) === message.form);
 */
function someIdForm(
  secretId: string,
  payload: SecretPayload | undefined,
  test: (id: string) => boolean,
): boolean {
  if (test(secretId)) return true;
  if (payload?.name !== undefined && payload.name !== secretId && test(payload.name)) return true;
  const arn = payload?.arn;
  if (arn === undefined) return false;
  return test(arn) || (ARN_SUFFIX.test(arn) && test(arn.slice(0, -7)));
}

/** Whether an entry, read by `secretId` and fetched as `payload`, is named by one invalidation. */
export type IdFormMatch = (secretId: string, payload: SecretPayload | undefined) => boolean;

/**
 * `someIdForm(secretId, payload, test)` remembered: each id tested once, each entry's answer kept by its secret id
 * with the name and ARN it was computed from (all that `someIdForm` reads), so that the many in-process entries
 * of one secret (one per manager of a process) cost a lookup each, and an entry whose payload differs is asked
 * afresh. `test` must be a function of the id alone.
 * @example
 *   const matches = idFormMatch((id) => names.form(id) === message.form);
 */
export function idFormMatch(test: (id: string) => boolean): IdFormMatch {
  const byId = new Map<string, boolean>();
  const testOnce = (id: string): boolean => {
    let answer = byId.get(id);
    if (answer === undefined) {
      answer = test(id);
      byId.set(id, answer);
    }
    return answer;
  };
  const answers = new Map<string, { name: string | undefined; arn: string | undefined; matches: boolean }>();
  return (secretId, payload) => {
    const name = payload?.name;
    const arn = payload?.arn;
    const known = answers.get(secretId);
    if (known !== undefined && known.name === name && known.arn === arn) return known.matches;
    const matches = someIdForm(secretId, payload, testOnce);
    answers.set(secretId, { name, arn, matches });
    return matches;
  };
}
