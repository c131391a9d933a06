import { SecretRefSyntaxError } from '../errors.js';
import { describeChar, isSecretNameChar, quote } from './chars.js';

/** Longest secret name AWS accepts. */
const MAX_SECRET_NAME_LENGTH = 512;

/** Length of the `-AbCdEf` suffix Secrets Manager appends to a name inside a full ARN. */
const ARN_SUFFIX_LENGTH = 7;

const PARTITION = /^aws(?:-[a-z]+)*$/;
const REGION = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;
const ACCOUNT = /^[0-9]{12}$/;

interface ArnField {
  /** What the field is called in messages. */
  label: string;
  check(value: string): string | undefined;
}

const ARN_FIELDS: readonly ArnField[] = [
  {
    label: 'partition',
    check: (value) =>
      PARTITION.test(value)
        ? undefined
        : `invalid ARN partition ${quote(value)} (expected "aws", "aws-cn", "aws-us-gov", …)`,
  },
  {
    label: 'service',
    check: (value) =>
      value === 'secretsmanager'
        ? undefined
        : `expected service "secretsmanager" in ARN but found ${quote(value)}`,
  },
  {
    label: 'region',
    check: (value) => (REGION.test(value) ? undefined : `invalid region ${quote(value)} in ARN`),
  },
  {
    label: 'account id',
    check: (value) =>
      ACCOUNT.test(value) ? undefined : `invalid account id ${quote(value)} in ARN: expected 12 digits`,
  },
  {
    label: 'resource type',
    check: (value) =>
      value === 'secret' ? undefined : `expected resource type "secret" in ARN but found ${quote(value)}`,
  },
];

/**
 * Reads a secret name from `start` up to the first `:` or `end`, checking every character.
 * Returns the offset just past the name.
 */
function readName(input: string, start: number, end: number, maxLength: number, what: string): number {
  let i = start;
  while (i < end) {
    const code = input.charCodeAt(i);
    if (code === 58 /* : */) break;
    if (!isSecretNameChar(code)) {
      throw new SecretRefSyntaxError(input, i, `secret name has invalid character ${describeChar(input, i)}`);
    }
    i++;
  }
  if (i === start) throw new SecretRefSyntaxError(input, start, what);
  if (i - start > maxLength) {
    throw new SecretRefSyntaxError(
      input,
      start + maxLength,
      `secret name is longer than ${maxLength} characters`,
    );
  }
  return i;
}

function readArn(input: string, start: number, end: number): number {
  let pos = start + 4;
  for (const [index, field] of ARN_FIELDS.entries()) {
    let colon = pos;
    while (colon < end && input.charCodeAt(colon) !== 58) colon++;
    const problem = field.check(input.slice(pos, colon));
    if (problem !== undefined) throw new SecretRefSyntaxError(input, pos, problem);
    if (colon >= end) {
      throw new SecretRefSyntaxError(
        input,
        end,
        `incomplete ARN: expected "arn:<partition>:secretsmanager:<region>:<account>:secret:<name>", missing the ${ARN_FIELDS[index + 1]?.label ?? 'secret name'}`,
      );
    }
    pos = colon + 1;
  }
  return readName(input, pos, end, MAX_SECRET_NAME_LENGTH + ARN_SUFFIX_LENGTH, 'empty secret name in ARN');
}

/**
 * Reads a secret id — a name, or a full or partial ARN read as one unit despite its own colons — from
 * `start`, stopping at the first `:` after it or at `end`. Returns the offset just past the id.
 *
 * Text starting with `arn:` is always read as an ARN, so a secret literally named `arn` can only be
 * followed by nothing (or be written as its ARN).
 *
 * @throws {SecretRefSyntaxError} with the offset of the first bad character or field.
 */
export function readSecretId(input: string, start: number, end: number): number {
  // An empty id, or one starting with `:`, is refused by `readName` as 'empty secret id'.
  if (end - start >= 4 && input.startsWith('arn:', start)) return readArn(input, start, end);
  return readName(input, start, end, MAX_SECRET_NAME_LENGTH, 'empty secret id');
}
