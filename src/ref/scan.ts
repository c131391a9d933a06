import { SecretRefSyntaxError } from '../errors.js';
import type { SecretRefMatch } from '../types.js';
import { readResolveOpener } from './dynamic-reference.js';
import { CLOUDFORMATION_PREFIX, parseBraced, parseCloudFormation } from './parse.js';
import { SEPARATOR_STEM, separatorEnd } from './separator.js';

const NO_MATCHES: readonly SecretRefMatch[] = Object.freeze([]);

/** Where the secret id starts in a span that opens with `{{resolve:secretsmanager:`. */
const CANONICAL_BODY = 2 + CLOUDFORMATION_PREFIX.length;

/**
 * The match of `text[start, end)`. `canonical`: the scanner already knows the span opens with
 * `{{resolve:secretsmanager:` and ends with the first `}}` after it, with no `{{` between — what `parseBraced`
 * would check again — so only the secret id and the tail are parsed.
 */
function toMatch(text: string, start: number, end: number, canonical: boolean): SecretRefMatch {
  const span = text.slice(start, end);
  try {
    const ref = canonical
      ? parseCloudFormation(span, CANONICAL_BODY, span.length - 2)
      : parseBraced(span, 0, span.length);
    return { start, end, text: span, ref };
  } catch (error) {
    // The grammar reports a syntax error by throwing it: the scan keeps it as this match's error.
    if (error instanceof SecretRefSyntaxError) return { start, end, text: span, error };
    throw error;
  }
}

/**
 * Finds every CloudFormation (`{{resolve:secretsmanager:…}}`) and Activepieces (`{{…|ap_sep_v1|…}}`)
 * reference inside `text`, in order, with its `[start, end)` offsets. Fetches nothing and never throws.
 *
 * Other `{{…}}` text, such as automation templates (`{{step_1.output}}`, `{{ trigger.body }}`), is not returned.
 * A span that is clearly meant as a reference — `{{` then `resolve:` (in any case, even after whitespace), or a
 * `{{…}}` holding `|ap_sep_v1|` — but does not parse is returned with `error`, whose `offset` counts from `start`
 * (its `input` is the span's `text`): a dynamic reference to another service (`{{resolve:ssm:…}}`,
 * `{{resolve:ssm-secure:…}}`) or a misspelt one (`{{resolve:secretsmanagr:…}}`) has the code
 * `unsupported_reference`, any other the code `invalid_reference`. An unterminated one — no `}}` before the next
 * `{{` or the end — is reported as its opener alone (`{{resolve:secretsmanager:`, `{{resolve:ssm:`,
 * `{{<connectionId>|ap_sep_v1|`), so the text after it, which may be anything, is never copied into an error, and
 * the scan goes on at the next `{{`. The bare form is never recognised here.
 *
 * Runs in linear time; when `text` holds no `{{` it returns a shared, frozen empty array without allocating.
 *
 * @example
 * scanSecretRefs('postgres://app:{{resolve:secretsmanager:db:SecretString:password}}@host/db');
 * // [{ start: 15, end: 66, text: '{{resolve:…}}', ref: { secretId: 'db', jsonKey: 'password' } }]
 */
export function scanSecretRefs(text: string): readonly SecretRefMatch[] {
  if (typeof text !== 'string') return NO_MATCHES;
  let open = text.indexOf('{{');
  if (open === -1) return NO_MATCHES;
  let matches: SecretRefMatch[] | undefined;
  let close = -2;
  let separator = -2;
  while (open !== -1) {
    while (text.charCodeAt(open + 2) === 123 /* { */) open++;
    const bodyStart = open + 2;
    if (close !== -1 && close < bodyStart) close = text.indexOf('}}', bodyStart);
    const nextOpen = text.indexOf('{{', bodyStart);
    // A `}}` that comes after the next `{{` closes that one, not this: this reference is unterminated.
    const terminated = close !== -1 && (nextOpen === -1 || close < nextOpen);
    const limit = terminated ? close : nextOpen === -1 ? text.length : nextOpen;
    // The canonical opener holds no brace, so it never runs past `limit`.
    const canonical = text.startsWith(CLOUDFORMATION_PREFIX, bodyStart);
    const openerEnd = canonical
      ? bodyStart + CLOUDFORMATION_PREFIX.length
      : (readResolveOpener(text, bodyStart, limit)?.end ?? -1);
    let isActivepieces = false;
    if (openerEnd === -1) {
      // Searched only past a `{{` that is no dynamic reference, and never twice over the same text.
      if (separator !== -1 && separator < bodyStart) separator = text.indexOf(SEPARATOR_STEM, bodyStart);
      isActivepieces = separator !== -1 && separator < limit;
      if (!isActivepieces) {
        open = nextOpen;
        continue;
      }
    }
    let end = close + 2;
    if (!terminated) end = isActivepieces ? separatorEnd(text, separator, limit) : openerEnd;
    const match = toMatch(text, open, end, canonical && terminated);
    // A literal of one holds one element; `[]` then a push would reserve room for 17.
    if (matches === undefined) matches = [match];
    else matches.push(match);
    open = nextOpen === -1 || nextOpen >= end ? nextOpen : text.indexOf('{{', end);
  }
  return matches ?? NO_MATCHES;
}
