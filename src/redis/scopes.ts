import { createHash } from 'node:crypto';
import QuickLRU from 'quick-lru';
import type { SecretProvider } from '../types.js';
import type { KnownScopes } from './bus.js';
import { type DerivedKey, hmacHex } from './crypto.js';
import { anyScopeForm, createNameMemo, type NameMemo, type ScopeNames, scopeNames } from './names.js';

/**
 * Entry names and id forms remembered (one HMAC each): every read names its entries, and every bus message is tested
 * against every in-process entry's forms.
 */
const NAMES = 20_000;

/**
 * The memos of names, one per set of keys (by a digest of their `names` keys), shared by the tiers of a process that
 * hold the same keys (many managers in one process): they derive the same names, so each is computed once, not once
 * per tier. Held weakly: a memo goes with the last tier that uses it.
 */
const memos = new Map<string, WeakRef<NameMemo>>();

function memoOf(keys: readonly DerivedKey[]): NameMemo {
  const digest = createHash('sha256').update('secret-refs name memo');
  for (const key of keys) digest.update(key.names);
  const id = digest.digest('hex');
  for (const [other, ref] of memos) if (ref.deref() === undefined) memos.delete(other);
  let memo = memos.get(id)?.deref();
  if (!memo) {
    memo = createNameMemo(NAMES);
    memos.set(id, new WeakRef(memo));
  }
  return memo;
}

/** The scopes (provider identities) one tier knows, and the names each derives under every key. */
interface TierScopes {
  /** The scope text of `provider` (computed once per provider object), `undefined` when it does not share. */
  scopeOf(provider: SecretProvider): string | undefined | Promise<string | undefined>;
  /** The names of a scope text, one per key; `undefined` for a text no provider of this tier could have given. */
  namesOf(scope: string): readonly ScopeNames[] | undefined;
  /** What the bus needs to turn a message's hashes back into a scope of this process. */
  readonly known: KnownScopes;
  /** The memo of names (shared by the tiers of this process with the same keys), for names derived outside a scope. */
  readonly nameMemo: NameMemo;
}

/** What the scopes are derived from. */
interface TierScopesConfig {
  readonly keys: readonly DerivedKey[];
  /** The user's `scope` option, passed to each provider's `sharedIdentity`. */
  readonly scope: string | undefined;
  /** How many scopes are remembered (least recently used forgotten first). */
  readonly maxScopes: number;
  /** Told of a scope forgotten: its bus messages would no longer be recognised, so its in-process copies must go. */
  onForget(scope: string): void;
}

/**
 * Creates the scope registry of one tier.
 * @example
 *   const scopes = createTierScopes({ keys, scope: undefined, maxScopes: 1_000, onForget: (scope) => drop(scope) });
 *   const names = scopes.namesOf(await scopes.scopeOf(provider));
 */
export function createTierScopes(config: TierScopesConfig): TierScopes {
  const { keys } = config;
  const scopesByProvider = new WeakMap<SecretProvider, string | undefined | Promise<string | undefined>>();
  // Scope text → its names (one per key), bounded; `byHash` finds a scope text from a bus message's hashed scope.
  const byHash = new Map<string, string>();
  const hashKey = (key: DerivedKey, hash: string): string => `${key.id}:${hash}`;
  const nameMemo = memoOf(keys);
  const known = new QuickLRU<string, readonly ScopeNames[]>({
    maxSize: config.maxScopes,
    onEviction: (scope, names) => {
      for (const name of names) {
        if (byHash.get(hashKey(name.key, name.scope)) === scope) byHash.delete(hashKey(name.key, name.scope));
      }
      config.onForget(scope);
    },
  });

  const namesOf = (scope: string): readonly ScopeNames[] | undefined => {
    const found = known.get(scope);
    if (found) return found;
    let texts: unknown;
    try {
      texts = JSON.parse(scope);
    } catch {
      return undefined;
    }
    if (!Array.isArray(texts) || texts.length !== keys.length || !texts.every((t) => typeof t === 'string'))
      return undefined;
    const names = keys.map((key, index) => scopeNames(key, texts[index] as string, nameMemo));
    known.set(scope, names);
    for (const name of names) byHash.set(hashKey(name.key, name.scope), scope);
    return names;
  };

  return {
    namesOf,
    nameMemo,
    known: {
      find(key, hash) {
        const scope = byHash.get(hashKey(key, hash));
        const names = scope === undefined ? undefined : known.peek(scope);
        const mine = names?.find((name) => name.key === key);
        return scope !== undefined && mine ? { scope, names: mine } : undefined;
      },
      anyForm: (key, id) => anyScopeForm(key, id, nameMemo),
    },
    scopeOf(provider) {
      if (scopesByProvider.has(provider)) return scopesByProvider.get(provider);
      const scopeFrom = (texts: readonly unknown[]): string | undefined => {
        const scope = texts.every((text) => typeof text === 'string' && text !== '')
          ? JSON.stringify(texts)
          : undefined;
        if (scope !== undefined) namesOf(scope);
        return scope;
      };
      let scope: string | undefined | Promise<string | undefined>;
      try {
        const texts: unknown[] = keys.map((key) =>
          provider.sharedIdentity?.((text) => hmacHex(key.identity, text), config.scope),
        );
        // An identity read asynchronously (an injected client's region and endpoint): a rejection says it could
        // not be read, and the caller does not share.
        scope = texts.some((text) => text instanceof Promise)
          ? Promise.all(texts).then(scopeFrom)
          : scopeFrom(texts);
      } catch {
        // The provider's sharedIdentity is foreign code: one that throws does not share.
        scope = undefined;
      }
      if (scope instanceof Promise) scope.catch(() => {});
      scopesByProvider.set(provider, scope);
      return scope;
    },
  };
}
