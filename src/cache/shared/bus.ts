import { timingSafeEqual } from 'node:crypto';
import type { SecretPayload } from '../../types.js';
import type { SharedInvalidation } from '../tier.js';
import { type DerivedKey, hmacHex } from './crypto.js';
import { anyScopeForm, idForms, type ScopeNames } from './names.js';

/**
 * What travels on the namespace's channel, as data. Only hashes travel: no secret name, ARN or credential.
 *
 * - `filled`: an entry was written to Redis (readers waiting on its lease look at once);
 * - `form`: one id form was invalidated in one scope; `any-scope-form`: in every scope;
 * - `scope`: a whole scope was invalidated; `namespace`: the whole namespace was cleared.
 *
 * Invalidations are authenticated under one of the `encryptionKey`s (its `bus` key); one that does not verify
 * under a key this process holds is dropped, so a forged message cannot even make a process drop its copies.
 * `filled` is not: a forged one only makes a waiting reader look at Redis sooner.
 */
export type BusMessage =
  | { readonly kind: 'filled'; readonly entry: string }
  | { readonly kind: 'form'; readonly key: DerivedKey; readonly scope: string; readonly form: string }
  | { readonly kind: 'any-scope-form'; readonly key: DerivedKey; readonly form: string }
  | { readonly kind: 'scope'; readonly key: DerivedKey; readonly scope: string }
  | { readonly kind: 'namespace'; readonly key: DerivedKey };

/** The messages that invalidate something. */
export type InvalidationMessage = Exclude<BusMessage, { kind: 'filled' }>;

// The text on the wire: `sr1.<letter>.…`. An invalidation is `sr1.<f|a|s|n>.<key id>.<scope>.<form>.<mac>` (`-`
// for a field its kind does not use; mac is an HMAC over the namespace and the rest); `filled` is `sr1.w.<entry>`.
const LETTER = { form: 'f', 'any-scope-form': 'a', scope: 's', namespace: 'n' } as const;
const KIND = { f: 'form', a: 'any-scope-form', s: 'scope', n: 'namespace' } as const;
const HASH = /^[0-9a-f]{32}$/;
const INVALIDATION = /^sr1\.([fasn])\.([0-9a-f]{8})\.([0-9a-f]{32}|-)\.([0-9a-f]{32}|-)\.([0-9a-f]{32})$/;

/**
 * The text of one message on the bus of `namespace` (the one encoder; {@link decodeBusMessage} is its inverse).
 * @example
 *   const text = encodeBusMessage('prod', { kind: 'form', key, scope: names.scope, form: names.form('prod/db') });
 */
export function encodeBusMessage(namespace: string, message: BusMessage): string {
  if (message.kind === 'filled') return `sr1.w.${message.entry}`;
  const scope = message.kind === 'form' || message.kind === 'scope' ? message.scope : '-';
  const form = message.kind === 'form' || message.kind === 'any-scope-form' ? message.form : '-';
  const body = `sr1.${LETTER[message.kind]}.${message.key.id}.${scope}.${form}`;
  return `${body}.${hmacHex(message.key.bus, namespace, body)}`;
}

/**
 * The message a text on the bus of `namespace` carries, or `undefined` for anything malformed or not verified.
 * @example
 *   const message = decodeBusMessage(keys, 'prod', text);
 */
export function decodeBusMessage(
  keys: readonly DerivedKey[],
  namespace: string,
  text: string,
): BusMessage | undefined {
  if (text.startsWith('sr1.w.')) {
    const entry = text.slice(6);
    return HASH.test(entry) ? { kind: 'filled', entry } : undefined;
  }
  const match = INVALIDATION.exec(text);
  if (!match) return undefined;
  const [, letter, keyId, scope, form, mac] = match as unknown as [
    string,
    keyof typeof KIND,
    string,
    string,
    string,
    string,
  ];
  const key = keys.find((candidate) => candidate.id === keyId);
  if (!key) return undefined;
  const expected = hmacHex(key.bus, namespace, text.slice(0, -(mac.length + 1)));
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(mac))) return undefined;
  const kind = KIND[letter];
  const needsScope = kind === 'form' || kind === 'scope';
  const needsForm = kind === 'form' || kind === 'any-scope-form';
  if ((scope !== '-') !== needsScope || (form !== '-') !== needsForm) return undefined;
  switch (kind) {
    case 'form':
      return { kind, key, scope, form };
    case 'any-scope-form':
      return { kind, key, form };
    case 'scope':
      return { kind, key, scope };
    case 'namespace':
      return { kind, key };
  }
}

const everything = (): boolean => true;

/** A lost subscription or a namespace clear: drop every shared in-process copy. */
export const DROP_ALL: SharedInvalidation = Object.freeze({ scope: undefined, matches: everything });

/**
 * The invalidations a verified message means for the scopes this process knows (the others hold nothing here).
 * `known` maps each scope text (as the core passes it) to its names, one per key.
 * @example
 *   for (const invalidation of invalidationsOf(message, known)) emit(invalidation);
 */
export function invalidationsOf(
  message: InvalidationMessage,
  known: ReadonlyMap<string, readonly ScopeNames[]>,
): SharedInvalidation[] {
  if (message.kind === 'namespace') return [DROP_ALL];
  const out: SharedInvalidation[] = [];
  for (const [scope, names] of known) {
    const mine = names.find((candidate) => candidate.key === message.key);
    if (!mine) continue;
    if (message.kind === 'scope') {
      if (mine.scope === message.scope) out.push({ scope, matches: everything });
      continue;
    }
    if (message.kind === 'form' && mine.scope !== message.scope) continue;
    const formOf =
      message.kind === 'any-scope-form'
        ? (id: string) => anyScopeForm(message.key, id)
        : (id: string) => mine.form(id);
    out.push({
      scope,
      matches: (secretId: string, payload: SecretPayload | undefined) =>
        idForms(secretId, payload).some((id) => formOf(id) === message.form),
    });
  }
  return out;
}
