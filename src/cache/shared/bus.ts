import { timingSafeEqual } from 'node:crypto';
import type { SecretPayload } from '../../types.js';
import type { SharedInvalidation } from '../tier.js';
import { type DerivedKey, hmacHex } from './crypto.js';
import { idForms, type ScopeNames } from './names.js';

/**
 * Bus messages: `sr1.<kind>.<key id>.<scope>.<form>.<mac>`, where kind is `f` (one id form in one scope), `a` (one
 * id form in every scope), `s` (a whole scope) or `n` (the whole namespace), scope and form are the hashed names
 * (`-` when not used), and mac is an HMAC under the key's `bus` key over the namespace and the rest. Only hashes
 * travel: no secret name, ARN or credential. A message that does not verify under a key this process holds is
 * dropped (a forged message cannot even make a process drop its copies).
 */
export type BusKind = 'f' | 'a' | 's' | 'n';

const PATTERN = /^sr1\.([fasn])\.([0-9a-f]{8})\.([0-9a-f]{32}|-)\.([0-9a-f]{32}|-)\.([0-9a-f]{32})$/;

/**
 * The message telling every process of one invalidation, for one key.
 * @example
 *   const message = busMessage(key, 'prod', 'f', names.scope, names.form('prod/db'));
 */
export function busMessage(
  key: DerivedKey,
  namespace: string,
  kind: BusKind,
  scope = '-',
  form = '-',
): string {
  const body = `sr1.${kind}.${key.id}.${scope}.${form}`;
  return `${body}.${hmacHex(key.bus, namespace, body)}`;
}

/**
 * A verified message, or `undefined` for anything else.
 * @example
 *   const read = readBusMessage(keys, 'prod', message);
 */
export function readBusMessage(
  keys: readonly DerivedKey[],
  namespace: string,
  message: string,
): { key: DerivedKey; kind: BusKind; scope: string; form: string } | undefined {
  const match = PATTERN.exec(message);
  if (!match) return undefined;
  const [, kind, keyId, scope, form, mac] = match as unknown as [
    string,
    BusKind,
    string,
    string,
    string,
    string,
  ];
  const key = keys.find((candidate) => candidate.id === keyId);
  if (!key) return undefined;
  const expected = hmacHex(key.bus, namespace, message.slice(0, -(mac.length + 1)));
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(mac))) return undefined;
  return { key, kind, scope, form };
}

/** Matches every entry (a scope-wide or namespace-wide invalidation). */
export const everything = (): boolean => true;

/** A lost subscription or a namespace clear: drop every shared in-process copy. */
export const DROP_ALL: SharedInvalidation = Object.freeze({ scope: undefined, matches: everything });

/** The scopes this process holds entries of, found by their hashed names (see `createRedisTier`). */
export interface KnownScopes {
  /** The scope text whose hashed scope under `key` is `hash`, and its names under that key, when known here. */
  find(key: DerivedKey, hash: string): { scope: string; names: ScopeNames } | undefined;
  /** `anyScopeForm(key, id)`, remembered: a message for every scope tests each in-process entry against it. */
  anyForm(key: DerivedKey, id: string): string;
}

/**
 * The invalidations a verified message means for this process: at most one, found by the message's hashed scope
 * (a scope this process does not know holds nothing here), so that a message costs the same however many
 * identities were ever seen.
 * @example
 *   for (const invalidation of invalidationsOf(read, known)) emit(invalidation);
 */
export function invalidationsOf(
  read: NonNullable<ReturnType<typeof readBusMessage>>,
  known: KnownScopes,
): SharedInvalidation[] {
  if (read.kind === 'n') return [DROP_ALL];
  if (read.kind === 'a') {
    return [
      {
        scope: undefined,
        matches: (secretId: string, payload: SecretPayload | undefined) =>
          idForms(secretId, payload).some((id) => known.anyForm(read.key, id) === read.form),
      },
    ];
  }
  const found = known.find(read.key, read.scope);
  if (!found) return [];
  if (read.kind === 's') return [{ scope: found.scope, matches: everything }];
  return [
    {
      scope: found.scope,
      matches: (secretId: string, payload: SecretPayload | undefined) =>
        idForms(secretId, payload).some((id) => found.names.form(id) === read.form),
    },
  ];
}
