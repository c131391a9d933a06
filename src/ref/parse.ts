import { SecretRefSyntaxError } from '../errors.js';
import type { SecretRef } from '../types.js';
import {
  checkChars,
  isManagerChar,
  isSecretNameChar,
  isSpace,
  isVersionIdChar,
  MAX_MANAGER_LENGTH,
  MAX_VERSION_ID_LENGTH,
  MAX_VERSION_STAGE_LENGTH,
  quote,
} from './chars.js';
import { type ResolveOpener, readResolveOpener, unsupportedReference } from './dynamic-reference.js';
import { isParameterArnAt, parseParameter } from './parameter.js';
import { readSecretId } from './secret-id.js';
import { ACTIVEPIECES_SEPARATOR, badSeparator, SEPARATOR_STEM } from './separator.js';

/** What follows `{{` in a CloudFormation dynamic reference to Secrets Manager. */
export const CLOUDFORMATION_PREFIX = 'resolve:secretsmanager:';

const CLOUDFORMATION_GRAMMAR =
  '{{resolve:secretsmanager:<secret-id>[:SecretString[:<json-key>[:<version-stage>[:<version-id>]]]]}}';
const SECRET_STRING = 'SecretString';
const BARE_GRAMMAR = '<secret-id>[:<json-key>[:<version-stage>[:<version-id>]]]';

/**
 * Splits `input[start, end)` at every `:` into at most `max` segments, for the colon-separated tail of a reference,
 * and returns their bounds: segment `n` is `[bounds[2n], bounds[2n + 1])`. `input[start]` must be the `:` that opens
 * the first segment (or `start === end` for none).
 *
 * @throws {SecretRefSyntaxError} at the `:` that would open segment `max + 1`, naming `grammar`.
 */
function splitSegments(input: string, start: number, end: number, max: number, grammar: string): number[] {
  const bounds: number[] = [];
  let pos = start;
  while (pos < end) {
    if (bounds.length === 2 * max) {
      throw new SecretRefSyntaxError(input, pos, `too many ":" segments: expected ${grammar}`);
    }
    let next = input.indexOf(':', pos + 1);
    if (next === -1 || next > end) next = end;
    bounds.push(pos + 1, next);
    pos = next;
  }
  return bounds;
}

/**
 * Applies the optional `json-key`, `version-stage` and `version-id` segments (`bounds` from {@link splitSegments})
 * to `ref`, skipping empty ones: the key is segment `first`, then the stage and the id.
 *
 * @throws {SecretRefSyntaxError} for a bad stage or id, or both given.
 */
function applyTail(input: string, ref: SecretRef, first: number, bounds: readonly number[]): SecretRef {
  // Segment `n` is `[bounds[2n], bounds[2n + 1])`; a segment past the last is empty.
  const keyStart = bounds[2 * first] ?? 0;
  const keyEnd = bounds[2 * first + 1] ?? 0;
  if (keyEnd > keyStart) ref.jsonKey = input.slice(keyStart, keyEnd);
  const stageStart = bounds[2 * first + 2] ?? 0;
  const stageEnd = bounds[2 * first + 3] ?? 0;
  if (stageEnd > stageStart) {
    ref.versionStage = checkChars(
      input,
      stageStart,
      stageEnd,
      isSecretNameChar,
      MAX_VERSION_STAGE_LENGTH,
      'version stage',
    );
  }
  const idStart = bounds[2 * first + 4] ?? 0;
  const idEnd = bounds[2 * first + 5] ?? 0;
  if (idEnd > idStart) {
    if (ref.versionStage !== undefined) {
      throw new SecretRefSyntaxError(input, idStart, 'versionStage and versionId are mutually exclusive');
    }
    ref.versionId = checkChars(input, idStart, idEnd, isVersionIdChar, MAX_VERSION_ID_LENGTH, 'version id');
  }
  return ref;
}

/**
 * The reference of a CloudFormation dynamic reference whose secret id starts at `start` and whose `}}` is at
 * `close` (the opener, the braces and the absence of a nested `{{` already checked).
 * @internal
 */
export function parseCloudFormation(input: string, start: number, close: number): SecretRef {
  const idEnd = readSecretId(input, start, close);
  const ref: SecretRef = { secretId: input.slice(start, idEnd) };
  const bounds = splitSegments(input, idEnd, close, 4, CLOUDFORMATION_GRAMMAR);
  const typeStart = bounds[0] ?? 0;
  const typeEnd = bounds[1] ?? 0;
  if (
    typeEnd > typeStart &&
    !(typeEnd - typeStart === SECRET_STRING.length && input.startsWith(SECRET_STRING, typeStart))
  ) {
    const found = input.slice(typeStart, typeEnd);
    throw new SecretRefSyntaxError(input, typeStart, `expected "SecretString" but found ${quote(found)}`);
  }
  return applyTail(input, ref, 1, bounds);
}

function parseActivepieces(input: string, start: number, separator: number, close: number): SecretRef {
  if (separator === start) {
    throw new SecretRefSyntaxError(input, start, `empty connection id before "${ACTIVEPIECES_SEPARATOR}"`);
  }
  const manager = checkChars(input, start, separator, isManagerChar, MAX_MANAGER_LENGTH, 'connection id');
  const pathStart = separator + ACTIVEPIECES_SEPARATOR.length;
  const idEnd = readSecretId(input, pathStart, close);
  const ref: SecretRef = { secretId: input.slice(pathStart, idEnd) };
  if (idEnd + 1 < close) ref.jsonKey = input.slice(idEnd + 1, close);
  ref.manager = manager;
  return ref;
}

/** The error for a dynamic reference's opener not written as CloudFormation writes it: `resolve:<service>:`. */
function openerError(
  input: string,
  bodyStart: number,
  opener: ResolveOpener,
  service: string,
): SecretRefSyntaxError | undefined {
  const written = input.slice(bodyStart, opener.serviceEnd);
  if (written !== `resolve:${service}`) {
    if (isSpace(input.charCodeAt(bodyStart))) {
      return new SecretRefSyntaxError(input, bodyStart, 'unexpected whitespace after "{{"');
    }
    const reason = `expected "resolve:${service}:" in lowercase but found ${quote(written)}`;
    return new SecretRefSyntaxError(input, bodyStart, reason);
  }
  if (opener.end === opener.serviceEnd) {
    return new SecretRefSyntaxError(input, opener.serviceEnd, `expected ":" after ${quote(written)}`);
  }
  return undefined;
}

/**
 * Parses the braced forms (CloudFormation, Activepieces) in `input[start, end)`, which starts with `{{`.
 * The reference ends at the first `}}`; nothing may follow it, and `{{` may not stand inside it. A dynamic
 * reference to Parameter Store (`{{resolve:ssm:…}}`, `{{resolve:ssm-secure:…}}`) has a `service`; one to another
 * service is an `unsupported_reference` error, terminated or not.
 */
export function parseBraced(input: string, start: number, end: number): SecretRef {
  const bodyStart = start + 2;
  const canonical = input.startsWith(CLOUDFORMATION_PREFIX, bodyStart);
  const opener = canonical ? undefined : readResolveOpener(input, bodyStart, end);
  // The service an opener names, in any case (the grammar then asks for lowercase).
  const named = opener && input.slice(opener.serviceStart, opener.serviceEnd).toLowerCase();
  const service = named === 'ssm' || named === 'ssm-secure' ? named : undefined;
  if (opener !== undefined && service === undefined && named !== 'secretsmanager') {
    throw unsupportedReference(input, opener);
  }
  if (opener !== undefined && service !== undefined) {
    const error = openerError(input, bodyStart, opener, service);
    if (error !== undefined) throw error;
  }
  const found = input.indexOf('}}', bodyStart);
  const close = found === -1 || found + 2 > end ? -1 : found;
  const bodyEnd = close === -1 ? end : close;
  // An Activepieces separator: the first `|ap_sep_` of a span that is not a dynamic reference.
  const separator = canonical || opener !== undefined ? -1 : input.indexOf(SEPARATOR_STEM, bodyStart);
  const isActivepieces = separator !== -1 && separator < bodyEnd;
  if (isActivepieces && !input.startsWith(ACTIVEPIECES_SEPARATOR, separator)) {
    throw badSeparator(input, separator, bodyEnd);
  }
  if (close === -1) throw new SecretRefSyntaxError(input, end, 'unterminated reference: missing "}}"');
  if (close + 2 < end) throw new SecretRefSyntaxError(input, close + 2, 'unexpected text after "}}"');
  const nested = input.indexOf('{{', bodyStart);
  if (nested !== -1 && nested < close) {
    throw new SecretRefSyntaxError(input, nested, 'a reference cannot contain "{{"');
  }
  if (canonical) return parseCloudFormation(input, bodyStart + CLOUDFORMATION_PREFIX.length, close);
  if (opener !== undefined && service !== undefined) return parseParameter(input, opener.end, close, service);
  if (isActivepieces) return parseActivepieces(input, bodyStart, separator, close);
  // A Secrets Manager opener in another case, after whitespace or without its `:`; else no known form at all.
  throw (
    (opener && openerError(input, bodyStart, opener, 'secretsmanager')) ??
    new SecretRefSyntaxError(
      input,
      bodyStart,
      `expected "${CLOUDFORMATION_PREFIX}" or "<connectionId>${ACTIVEPIECES_SEPARATOR}" after "{{"`,
    )
  );
}

function parseBare(input: string, start: number, end: number): SecretRef {
  // ECS reads a parameter named by its ARN with decryption: so does the bare form.
  if (isParameterArnAt(input, start)) return parseParameter(input, start, end, 'ssm-secure');
  const idEnd = readSecretId(input, start, end);
  const ref: SecretRef = { secretId: input.slice(start, idEnd) };
  return applyTail(input, ref, 0, splitSegments(input, idEnd, end, 3, BARE_GRAMMAR));
}

/**
 * Parses one secret reference in any supported form: a CloudFormation dynamic reference
 * (`{{resolve:secretsmanager:…}}`, or Parameter Store's `{{resolve:ssm:<name>[:<version|label>]}}` and
 * `{{resolve:ssm-secure:…}}`), an Activepieces reference (`{{<connectionId>|ap_sep_v1|<secret-id>[:<json-key>]}}`)
 * or the bare ECS / CodeBuild form (`<secret-id>[:<json-key>[:<version-stage>[:<version-id>]]]`, or a parameter
 * ARN `arn:<partition>:ssm:<region>:<account>:parameter/<name>`, read with decryption as ECS does:
 * `service: 'ssm-secure'`).
 *
 * Whitespace around the reference is ignored; offsets in errors count from the start of `input`.
 * Absent parts are omitted from the result, never `undefined`.
 *
 * @throws {SecretRefSyntaxError} with the 0-based `offset` of the problem and a `reason`.
 * @example
 * parseSecretRef('{{resolve:secretsmanager:db:SecretString:password}}');
 * // { secretId: 'db', jsonKey: 'password' }
 */
export function parseSecretRef(input: string): SecretRef {
  if (typeof input !== 'string') {
    throw new SecretRefSyntaxError('', 0, `expected reference text but got ${typeof input}`);
  }
  let start = 0;
  let end = input.length;
  while (start < end && isSpace(input.charCodeAt(start))) start++;
  while (end > start && isSpace(input.charCodeAt(end - 1))) end--;
  if (start === end) throw new SecretRefSyntaxError(input, start, 'empty reference');
  if (input.startsWith('{{', start)) return parseBraced(input, start, end);
  return parseBare(input, start, end);
}
