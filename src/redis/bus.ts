import { timingSafeEqual } from 'node:crypto';
import type { SharedInvalidation } from '../cache/tier.js';
import { type DerivedKey, hmacHex } from './crypto.js';
import { type IdFormMatch, idFormMatch, type ScopeNames } from './names.js';

/**
 * What travels on the namespace's channel, as data. Only hashes travel: no secret name, ARN or credential.
 *
 * - `filled`: an entry was written to Redis, or its lease let go (readers waiting on its lease look at once); it
 *   carries the entry's text as written when that is short, so that a thousand waiting readers need not read it;
 * - `form`: one id form was invalidated in one scope; `any-scope-form`: in every scope;
 * - `scope`: a whole scope was invalidated; `namespace`: the whole namespace was cleared.
 *
 * Invalidations are authenticated under one of the `encryptionKey`s (its `bus` key); one that does not verify
 * under a key this process holds is dropped, so a forged message cannot even make a process drop its copies.
 * `filled` is not: a forged one only makes a waiting reader look at Redis sooner (a forged text does not open: an
 * entry is authenticated with its namespace, epoch, name and order, see crypto.ts).
 */
export type BusMessage =
  | { readonly kind: 'filled'; readonly entry: string; readonly text?: string | undefined }
  | { readonly kind: 'form'; readonly key: DerivedKey; readonly scope: string; readonly form: string }
  | { readonly kind: 'any-scope-form'; readonly key: DerivedKey; readonly form: string }
  | { readonly kind: 'scope'; readonly key: DerivedKey; readonly scope: string }
  | { readonly kind: 'namespace'; readonly key: DerivedKey };

/** The messages that invalidate something. */
export type InvalidationMessage = Exclude<BusMessage, { kind: 'filled' }>;

// The text on the wire: `sr1.<letter>.…`. An invalidation is `sr1.<f|a|s|n>.<key id>.<scope>.<form>.<mac>` (`-`
// for a field its kind does not use; mac is an HMAC over the namespace and the rest); `filled` is `sr1.w.<entry>`,
// or `sr1.w.<entry>.<text>` with the entry's text.
const LETTER = { form: 'f', 'any-scope-form': 'a', scope: 's', namespace: 'n' } as const;
const KIND = { f: 'form', a: 'any-scope-form', s: 'scope', n: 'namespace' } as const;
const HASH = /^[0-9a-f]{32}$/;

/**
 * The longest entry text a `filled` message carries; a longer entry is announced by its name alone and read from
 * Redis (each notice is copied to every process of the fleet).
 */
export const MAX_FILLED_TEXT = 4_096;
const INVALIDATION = /^sr1\.([fasn])\.([0-9a-f]{8})\.([0-9a-f]{32}|-)\.([0-9a-f]{32}|-)\.([0-9a-f]{32})$/;

/**
 * The text of one message on the bus of `namespace` (the one encoder; {@link decodeBusMessage} is its inverse).
 * @example
 *   const text = encodeBusMessage('prod', { kind: 'form', key, scope: names.scope, form: names.form('prod/db') });
 */
export function encodeBusMessage(namespace: string, message: BusMessage): string {
  if (message.kind === 'filled')
    return message.text === undefined ? `sr1.w.${message.entry}` : `sr1.w.${message.entry}.${message.text}`;
  const scope = message.kind === 'form' || message.kind === 'scope' ? message.scope : '-';
  const form = message.kind === 'form' || message.kind === 'any-scope-form' ? message.form : '-';
  const body = `sr1.${LETTER[message.kind]}.${message.key.id}.${scope}.${form}`;
  return `${body}.${hmacHex(message.key.bus, namespace, body)}`;
}

/** A text off the wire: a `filled` message, or an invalidation whose fields are checked but not yet its MAC. */
type ParsedText =
  | Extract<BusMessage, { kind: 'filled' }>
  | {
      readonly kind: InvalidationMessage['kind'];
      readonly keyId: string;
      readonly scope: string;
      readonly form: string;
      readonly mac: string;
      readonly body: string;
      /** What verifying it under a `bus` key in a namespace said, for the tiers of this process that ask again. */
      readonly verified: Verified[];
    };

/** One verification of a parsed text, and what the message answers, shared by the tiers that hear it. */
interface Verified {
  readonly bus: Buffer;
  readonly namespace: string;
  readonly ok: boolean;
  readonly answers: SharedAnswers;
}

/**
 * What one verified invalidation answers for the in-process entries, shared by the tiers of the process that hear it:
 * 250 tiers holding the same 200 secrets then test 200 secrets, not 50,000 entries. An answer is a function of the
 * message, the `names` key its forms are derived with and, for a `form` message, the scope text of that key
 * (`text`, `undefined` for `any-scope-form`): it is shared only where all three are the same.
 */
type SharedAnswers = {
  readonly names: Buffer;
  readonly text: string | undefined;
  readonly matches: IdFormMatch;
}[];
/**
 * Verifications (one per `bus` key and namespace) and answers (one per `names` key and scope text) kept per message:
 * as many as the tiers of one process have distinct ones.
 */
const MAX_KEPT = 8;

function sharedMatch(
  answers: SharedAnswers,
  names: Buffer,
  text: string | undefined,
  test: (id: string) => boolean,
): IdFormMatch {
  const found = answers.find((answer) => answer.text === text && answer.names.equals(names));
  if (found) return found.matches;
  const matches = idFormMatch(test);
  if (answers.length < MAX_KEPT) answers.push({ names, text, matches });
  return matches;
}

/** The answers of a decoded message, by the message object `decodeBusMessage` gave a tier. */
const answersOf = new WeakMap<InvalidationMessage, SharedAnswers>();

/**
 * The text parsed last: a process's shared subscription hands each message to every tier over its client in turn,
 * so a message is parsed once per process, and its MAC checked once per key, not once per tier.
 */
let last: { text: string; parsed: ParsedText | undefined } | undefined;

function parse(text: string): ParsedText | undefined {
  if (text.startsWith('sr1.w.')) {
    const entry = text.slice(6, 38);
    if (!HASH.test(entry)) return undefined;
    if (text.length === 38) return { kind: 'filled', entry };
    return text[38] === '.' && text.length <= 39 + MAX_FILLED_TEXT
      ? { kind: 'filled', entry, text: text.slice(39) }
      : undefined;
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
  const kind = KIND[letter];
  const needsScope = kind === 'form' || kind === 'scope';
  const needsForm = kind === 'form' || kind === 'any-scope-form';
  if ((scope !== '-') !== needsScope || (form !== '-') !== needsForm) return undefined;
  return { kind, keyId, scope, form, mac, body: text.slice(0, -(mac.length + 1)), verified: [] };
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
  if (last?.text !== text) last = { text, parsed: parse(text) };
  const parsed = last.parsed;
  if (!parsed) return undefined;
  if (parsed.kind === 'filled') return parsed;
  const key = keys.find((candidate) => candidate.id === parsed.keyId);
  if (!key) return undefined;
  let check = parsed.verified.find((done) => done.namespace === namespace && done.bus.equals(key.bus));
  if (!check) {
    const expected = hmacHex(key.bus, namespace, parsed.body);
    const ok = timingSafeEqual(Buffer.from(expected), Buffer.from(parsed.mac));
    check = { bus: key.bus, namespace, ok, answers: [] };
    if (parsed.verified.length < MAX_KEPT) parsed.verified.push(check);
  }
  if (!check.ok) return undefined;
  // `parse` checked that the message has the fields its kind needs, and only those.
  const { kind, scope, form } = parsed;
  const message = {
    kind,
    key,
    ...(scope === '-' ? {} : { scope }),
    ...(form === '-' ? {} : { form }),
  } as InvalidationMessage;
  answersOf.set(message, check.answers);
  return message;
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
 *   for (const invalidation of invalidationsOf(message, known)) emit(invalidation);
 */
export function invalidationsOf(message: InvalidationMessage, known: KnownScopes): SharedInvalidation[] {
  if (message.kind === 'namespace') return [DROP_ALL];
  const answers = answersOf.get(message) ?? [];
  if (message.kind === 'any-scope-form') {
    const { key, form } = message;
    const matches = sharedMatch(answers, key.names, undefined, (id) => known.anyForm(key, id) === form);
    return [{ scope: undefined, matches }];
  }
  const found = known.find(message.key, message.scope);
  if (!found) return [];
  if (message.kind === 'scope') return [{ scope: found.scope, matches: everything }];
  const { names } = found;
  const matches = sharedMatch(answers, names.key.names, names.text, (id) => names.form(id) === message.form);
  return [{ scope: found.scope, matches }];
}
