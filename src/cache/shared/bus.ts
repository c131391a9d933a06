import { timingSafeEqual } from 'node:crypto';
import type { SecretPayload } from '../../types.js';
import type { SharedInvalidation } from '../tier.js';
import { type DerivedKey, hmacHex } from './crypto.js';
import { anyScopeForm, idForms, type ScopeNames } from './names.js';

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

const everything = (): boolean => true;

/** A lost subscription or a namespace clear: drop every shared in-process copy. */
export const DROP_ALL: SharedInvalidation = Object.freeze({ scope: undefined, matches: everything });

/**
 * The invalidations a verified message means for the scopes this process knows (the others hold nothing here).
 * `known` maps each scope text (as the core passes it) to its names, one per key.
 * @example
 *   for (const invalidation of invalidationsOf(read, known)) emit(invalidation);
 */
export function invalidationsOf(
  read: NonNullable<ReturnType<typeof readBusMessage>>,
  known: ReadonlyMap<string, readonly ScopeNames[]>,
): SharedInvalidation[] {
  if (read.kind === 'n') return [DROP_ALL];
  const out: SharedInvalidation[] = [];
  for (const [scope, names] of known) {
    const mine = names.find((candidate) => candidate.key === read.key);
    if (!mine) continue;
    if (read.kind !== 'a' && mine.scope !== read.scope) continue;
    if (read.kind === 's') {
      out.push({ scope, matches: everything });
      continue;
    }
    const formOf =
      read.kind === 'a' ? (id: string) => anyScopeForm(read.key, id) : (id: string) => mine.form(id);
    out.push({
      scope,
      matches: (secretId: string, payload: SecretPayload | undefined) =>
        idForms(secretId, payload).some((id) => formOf(id) === read.form),
    });
  }
  return out;
}
