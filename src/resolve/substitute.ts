import type { SecretResolutionIssue } from '../errors.js';
import type { SecretResult } from '../manager/types.js';
import type { SecretRefMatch } from '../types.js';
import { applyEncode, type EncodeOption, type EncodeSite } from './encode.js';
import { linkPath, type PathLink, type PathSegment } from './walk.js';

/**
 * A reference that was replaced by its value (the value is not kept here).
 * @example
 *   const { resolved } = await resolveConnectionSettled(connection, manager);
 *   const paths = resolved.map((entry: ResolvedSecretRef) => formatPath(entry.path));
 */
export interface ResolvedSecretRef {
  /** Where the string holding the reference sits. */
  path: PathSegment[];
  /** The reference text, as written. */
  ref: string;
}

/** What {@link substitute} returns for a string it leaves as it is. */
export const UNCHANGED: unique symbol = Symbol('unchanged');

/** Where a string sits: a link and key (built into a path only when needed), or a path computed beforehand. */
export interface StringPlace {
  link: PathLink | undefined;
  key: string;
  path?: readonly PathSegment[];
}

/**
 * The substitutions of one resolve: the options that shape values, and what is collected on the way. The lists a
 * caller does not need stay `undefined` (the throwing form keeps no `resolved` and no `values`; no issue, no list).
 * @internal
 */
export class Substitution {
  issues: SecretResolutionIssue[] | undefined;
  resolved: ResolvedSecretRef[] | undefined;
  values: string[] | undefined;

  constructor(
    readonly encode: EncodeOption | undefined,
    readonly keepJsonTypes: boolean,
    settled: boolean,
  ) {
    if (settled) {
      this.resolved = [];
      this.values = [];
    }
  }

  fail(place: StringPlace, match: SecretRefMatch, code: SecretResolutionIssue['code'], reason: string): void {
    this.issues ??= [];
    this.issues.push({
      path: pathOf(place),
      ref: match.text,
      code,
      message: `${match.text}: ${reason}`,
    });
  }

  done(place: StringPlace, match: SecretRefMatch, value: string, text: string): void {
    if (this.resolved === undefined) return;
    this.resolved.push({ path: pathOf(place), ref: match.text });
    this.values!.push(value);
    if (text !== value) this.values!.push(text);
  }
}

function pathOf(place: StringPlace): PathSegment[] {
  return place.path ? [...place.path] : linkPath(place.link, place.key);
}

/**
 * The new value of a string holding references, or {@link UNCHANGED}: each reference whose outcome is ok is
 * replaced by its (encoded) value, each failing one is left as written and recorded as an issue. The outcome of the
 * k-th well-formed match is `outcomes[firstSlot + k]`. With
 * `keepJsonTypes`, a whole-field reference to a non-string JSON value gives a fresh copy of that value.
 * @internal
 */
export function substitute(
  sub: Substitution,
  source: string,
  matches: readonly SecretRefMatch[],
  outcomes: readonly SecretResult[],
  firstSlot: number,
  place: StringPlace,
): unknown {
  const whole = matches.length === 1 && matches[0]!.start === 0 && matches[0]!.end === source.length;
  const { encode } = sub;
  let out = '';
  let cursor = 0;
  let changed = false;
  let k = 0;
  // A failing reference leaves `cursor` where it is, so it is copied as written with the text around it.
  for (const match of matches) {
    if (match.error) {
      sub.fail(place, match, match.error.code, match.error.message);
      continue;
    }
    const outcome = outcomes[firstSlot + k++]!;
    if (!outcome.ok) {
      sub.fail(place, match, outcome.error.code, outcome.error.message);
      continue;
    }
    if (whole && sub.keepJsonTypes && outcome.json !== undefined) {
      const json = copyJson(outcome.json);
      if (json !== undefined) {
        sub.done(place, match, outcome.value, outcome.value);
        return json;
      }
    }
    let text = outcome.value;
    if (encode !== undefined) {
      const encoded = applyEncode(encode, text, whole, () => siteOf(place, match, whole));
      if (!encoded.ok) {
        sub.fail(place, match, 'invalid_config', encoded.reason);
        continue;
      }
      text = encoded.text;
    }
    sub.done(place, match, outcome.value, text);
    if (whole) return text;
    out += source.slice(cursor, match.start) + text;
    changed = true;
    cursor = match.end;
  }
  return changed ? out + source.slice(cursor) : UNCHANGED;
}

/**
 * A fresh copy of a result's JSON value: a number, a boolean, or an object or array copied; `undefined` for anything
 * else or a value that cannot be copied (a manager this library did not make may report any `json`), whose text is
 * then substituted as without `keepJsonTypes`.
 */
function copyJson(json: unknown): unknown {
  if (typeof json === 'number' || typeof json === 'boolean') return json;
  if (typeof json !== 'object' || json === null) return undefined;
  try {
    return structuredClone(json);
  } catch {
    // A proxy, a function inside, a getter that throws: not JSON data.
    return undefined;
  }
}

function siteOf(place: StringPlace, match: SecretRefMatch, whole: boolean): EncodeSite {
  return { path: pathOf(place), whole, ref: match.text, secretRef: { ...match.ref! } };
}
