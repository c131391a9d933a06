import { SecretRefSyntaxError } from '../errors.js';
import type { ParameterService, SecretRef } from '../types.js';
import { describeChar, isManagerChar, isParameterNameChar, quote } from './chars.js';

/**
 * Parameter Store references: CloudFormation's `{{resolve:ssm:<name>[:<version>]}}` and
 * `{{resolve:ssm-secure:<name>[:<version>]}}`, where the part after the name may also be a label (labels never
 * begin with a digit), and the bare parameter ARN `arn:<partition>:ssm:<region>:<account>:parameter/<name>` that
 * ECS task definitions put in `valueFrom`. A name holds no `:`, so the first `:` after it starts the selector.
 */

/** The longest parameter name (or ARN) read. */
const MAX_PARAMETER_NAME_LENGTH = 2048;

/** The longest label Parameter Store accepts. */
const MAX_PARAMETER_LABEL_LENGTH = 100;

/** The longest version number read (Parameter Store keeps at most 100 versions, numbered upward). */
const MAX_PARAMETER_VERSION_LENGTH = 19;

const ARN_PATTERN = /^arn:[a-z][a-z0-9-]{0,31}:ssm:[a-z0-9-]{1,32}:\d{12}:parameter\//;

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** Whether `input` at `start` begins a Parameter Store ARN. */
export function isParameterArnAt(input: string, start: number): boolean {
  return input.startsWith('arn:', start) && ARN_PATTERN.test(input.slice(start, start + 96));
}

/** Where the name of `input[start, end)` ends: at the first `:` past an ARN's own colons. */
function readName(input: string, start: number, end: number): number {
  let i = start;
  if (isParameterArnAt(input, start)) i = input.indexOf(':parameter/', start) + ':parameter/'.length;
  const nameStart = i;
  while (i < end && input.charCodeAt(i) !== 58 /* : */) {
    if (!isParameterNameChar(input.charCodeAt(i))) {
      throw new SecretRefSyntaxError(
        input,
        i,
        `parameter name has invalid character ${describeChar(input, i)}; names hold letters, digits and _.-/`,
      );
    }
    i++;
  }
  if (i === nameStart) {
    throw new SecretRefSyntaxError(
      input,
      i,
      i === start ? 'empty parameter name' : 'empty parameter name in ARN',
    );
  }
  if (i - start > MAX_PARAMETER_NAME_LENGTH) {
    throw new SecretRefSyntaxError(
      input,
      start + MAX_PARAMETER_NAME_LENGTH,
      `parameter name is longer than ${MAX_PARAMETER_NAME_LENGTH} characters`,
    );
  }
  return i;
}

function readSelector(input: string, start: number, end: number, ref: SecretRef): void {
  if (start === end) throw new SecretRefSyntaxError(input, start, 'empty version or label after ":"');
  if (isDigit(input.charCodeAt(start))) {
    for (let i = start; i < end; i++) {
      if (!isDigit(input.charCodeAt(i))) {
        throw new SecretRefSyntaxError(
          input,
          i,
          `a version is digits only (a label never begins with a digit); found ${describeChar(input, i)}`,
        );
      }
    }
    if (input.charCodeAt(start) === 48 /* 0 */) {
      throw new SecretRefSyntaxError(input, start, 'parameter versions are numbered from 1');
    }
    if (end - start > MAX_PARAMETER_VERSION_LENGTH) {
      throw new SecretRefSyntaxError(input, start, 'the version number is too long');
    }
    ref.versionId = input.slice(start, end);
    return;
  }
  for (let i = start; i < end; i++) {
    if (!isManagerChar(input.charCodeAt(i))) {
      const what =
        input.charCodeAt(i) === 58 ? '":" (a reference has one version or label)' : describeChar(input, i);
      throw new SecretRefSyntaxError(input, i, `label has invalid character ${what}`);
    }
  }
  if (end - start > MAX_PARAMETER_LABEL_LENGTH) {
    throw new SecretRefSyntaxError(
      input,
      start + MAX_PARAMETER_LABEL_LENGTH,
      `label is longer than ${MAX_PARAMETER_LABEL_LENGTH} characters`,
    );
  }
  ref.versionStage = input.slice(start, end);
}

/**
 * The reference of `input[start, end)`: `<name-or-ARN>[:<version|label>]`, for `service`.
 * @throws {SecretRefSyntaxError} with the offset of the problem.
 */
export function parseParameter(
  input: string,
  start: number,
  end: number,
  service: ParameterService,
): SecretRef {
  const nameEnd = readName(input, start, end);
  const ref: SecretRef = { secretId: input.slice(start, nameEnd), service };
  if (nameEnd < end) readSelector(input, nameEnd + 1, end, ref);
  return ref;
}

/**
 * Checks a Parameter Store reference object's name and selector, with the same rules as the parser, and returns
 * the reference parsed from them.
 * @throws {SecretRefSyntaxError} whose `reason` names the problem.
 */
export function checkParameterRef(ref: SecretRef, service: ParameterService): SecretRef {
  const parsed = parseParameter(ref.secretId, 0, ref.secretId.length, service);
  if (parsed.versionId !== undefined || parsed.versionStage !== undefined) {
    throw new SecretRefSyntaxError(
      ref.secretId,
      ref.secretId.length - (parsed.versionId ?? parsed.versionStage ?? '').length - 1,
      `${quote(ref.secretId, 60)} holds ":"; put the version in \`versionId\` or the label in \`versionStage\``,
    );
  }
  const selector = ref.versionId ?? ref.versionStage;
  if (selector !== undefined) {
    readSelector(selector, 0, selector.length, parsed);
    if ((ref.versionId !== undefined) !== (parsed.versionId !== undefined)) {
      throw new SecretRefSyntaxError(
        selector,
        0,
        ref.versionId !== undefined
          ? '`versionId` of a parameter is its version number (digits)'
          : '`versionStage` of a parameter is a label, which never begins with a digit',
      );
    }
  }
  return parsed;
}
