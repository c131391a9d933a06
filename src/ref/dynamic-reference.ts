import { SecretRefSyntaxError } from '../errors.js';
import { isSpace, isVersionIdChar, quote } from './chars.js';

/**
 * CloudFormation dynamic references name a service after `resolve:` (`ssm`, `ssm-secure`, `secretsmanager`), and
 * all three are read here; any other `{{resolve:…}}` span is reported as an unsupported reference, so that a
 * misspelt service name is never passed on as if it were a value.
 *
 * CloudFormation matches `resolve` and the service name case-sensitively and passes any other casing on as plain
 * text. This library reports every casing instead (after optional whitespace, too): a literal `{{Resolve:…}}` in a
 * connection is a mistyped reference far more often than a value.
 */

/** Every service name read after `resolve:`, with the edit distance within which a misspelling is suggested. */
const SUPPORTED_SERVICES: readonly (readonly [string, number])[] = [
  ['secretsmanager', 2],
  ['ssm-secure', 2],
  ['ssm', 1],
];
const SUPPORTED_LIST = '"secretsmanager", "ssm" and "ssm-secure"';

/** A service name longer than this is not read as one (nor copied into an error). */
const MAX_SERVICE_LENGTH = 64;

/** Where the opener `{{ resolve:<service>:` of a dynamic reference lies. */
export interface ResolveOpener {
  /** Offset of the service name (just after `resolve:`). */
  serviceStart: number;
  /** Offset just past the service name; equal to `serviceStart` when none was read. */
  serviceEnd: number;
  /** Offset just past the opener: past the `:` after the service name when there is one. */
  end: number;
  /** The service name runs past {@link MAX_SERVICE_LENGTH} characters: it is not read. */
  tooLong: boolean;
}

function startsWithIgnoringCase(input: string, offset: number, lowercase: string): boolean {
  if (offset + lowercase.length > input.length) return false;
  for (let i = 0; i < lowercase.length; i++) {
    const code = input.charCodeAt(offset + i);
    const want = lowercase.charCodeAt(i);
    // Only a letter has another case: `:` is not matched by U+001A, which differs from it by the same bit.
    if (code !== want && !(want >= 97 && want <= 122 && code === want - 32)) return false;
  }
  return true;
}

/**
 * The opener of a dynamic reference when the text after `{{` at `bodyStart` is one: optional whitespace,
 * `resolve:` in any case, a service name (ASCII letters, digits, `-`, `_`) and the `:` after it when present, all
 * within `limit`. `undefined` when the text is not meant as a dynamic reference.
 */
export function readResolveOpener(
  input: string,
  bodyStart: number,
  limit: number,
): ResolveOpener | undefined {
  let serviceStart = bodyStart;
  while (serviceStart < limit && isSpace(input.charCodeAt(serviceStart))) serviceStart++;
  if (serviceStart + 8 > limit || !startsWithIgnoringCase(input, serviceStart, 'resolve:')) return undefined;
  serviceStart += 8;
  const runLimit = Math.min(limit, serviceStart + MAX_SERVICE_LENGTH + 1);
  let serviceEnd = serviceStart;
  while (serviceEnd < runLimit && isVersionIdChar(input.charCodeAt(serviceEnd))) serviceEnd++;
  if (serviceEnd - serviceStart > MAX_SERVICE_LENGTH) {
    return { serviceStart, serviceEnd: serviceStart, end: serviceStart, tooLong: true };
  }
  const end = serviceEnd < limit && input.charCodeAt(serviceEnd) === 58 /* : */ ? serviceEnd + 1 : serviceEnd;
  return { serviceStart, serviceEnd, end, tooLong: false };
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short strings. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The `unsupported_reference` error for a dynamic reference whose service is none of `secretsmanager`, `ssm` and
 * `ssm-secure`: it names the service (never the rest of the reference) and suggests the nearest supported one for a
 * near miss: `service "secretsmanagr" is not supported (only "secretsmanager", "ssm" and "ssm-secure" are); did you
 * mean "secretsmanager"?`.
 */
export function unsupportedReference(input: string, opener: ResolveOpener): SecretRefSyntaxError {
  const service = input.slice(opener.serviceStart, opener.serviceEnd);
  const only = `only ${SUPPORTED_LIST} are supported`;
  let reason: string;
  if (opener.tooLong) {
    reason = `the service name after "resolve:" is too long: ${only}`;
  } else if (service === '') {
    reason = `no service named after "resolve:": ${only}`;
  } else {
    reason = `service ${quote(service)} is not supported: ${only}`;
    const near = SUPPORTED_SERVICES.find(
      ([name, within]) => editDistance(service.toLowerCase(), name) <= within,
    );
    if (near !== undefined) reason += `; did you mean "${near[0]}"?`;
  }
  return new SecretRefSyntaxError(input, opener.serviceStart, reason, { code: 'unsupported_reference' });
}
