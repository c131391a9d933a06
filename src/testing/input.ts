import { AwsError, awsErrors } from './aws-error.js';
import type { ParameterStore } from './parameters.js';
import type { SecretStore } from './store.js';

/** A parsed JSON request body. */
export type Input = Record<string, unknown>;

/** What a handler may consult besides its input. */
export interface ActionContext {
  store: SecretStore;
  parameters: ParameterStore;
  /** Actions denied to the caller (IAM-style). */
  denied: ReadonlySet<string>;
  /** ARN of the caller, for AccessDenied messages. */
  principal: string;
}

/** Answers one operation: the JSON response body (members left `undefined` are not sent), or a thrown `AwsError`. */
export type ActionHandler = (input: Input, ctx: ActionContext) => Record<string, unknown>;

const camel = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

// Members that may hold a secret: their value stays out of the message, as AWS leaves out sensitive members'.
const SENSITIVE = new Set(['SecretString', 'Value']);

function constraint(member: string, value: unknown, rule: string) {
  const absent = value === undefined || value === null;
  const shown = absent ? ' null' : SENSITIVE.has(member) ? '' : ` '${String(value)}'`;
  return awsErrors.validation(
    `1 validation error detected: Value${shown} at '${camel(member)}' failed to satisfy constraint: ${rule}`,
  );
}

/** A string member, or undefined when absent. @throws AwsError `ValidationException` on another type. */
export function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw constraint(member, value, 'Member must be a string');
  if (value.length === 0)
    throw constraint(member, value, 'Member must have length greater than or equal to 1');
  return value;
}

/** `value`, read from `member`, which must be present. @throws AwsError `ValidationException`. */
export function required<T>(member: string, value: T | undefined): T {
  if (value === undefined) throw constraint(member, value, 'Member must not be null');
  return value;
}

/** A string member that must be present. @throws AwsError `ValidationException`. */
export const requiredString = (input: Input, member: string): string =>
  required(member, optionalString(input, member));

/** An integer member within `[min, max]`, or undefined. */
export function optionalInt(input: Input, member: string, min: number, max: number): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw constraint(member, value, 'Member must be an integer');
  }
  if (value < min) throw constraint(member, value, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(member, value, `Member must have value less than or equal to ${max}`);
  return value;
}

/** A list of strings with a length bound, or undefined. */
export function optionalStringList(input: Input, member: string, maxLength: number): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw constraint(member, '[...]', 'Member must be a list of non-empty strings');
  }
  if (value.length < 1) throw constraint(member, '[]', 'Member must have length greater than or equal to 1');
  if (value.length > maxLength) {
    throw constraint(
      member,
      `[${value.length} items]`,
      `Member must have length less than or equal to ${maxLength}`,
    );
  }
  return value as string[];
}

/** A boolean member, or undefined. */
export function optionalBoolean(input: Input, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw constraint(member, value, 'Member must be a boolean');
  return value;
}

/**
 * One page of `items` from the offset in `nextToken`; the returned token is absent on the last page.
 * @throws AwsError `invalid()` for a token this endpoint did not give.
 */
export function paginate<T>(
  items: readonly T[],
  maxResults: number,
  nextToken: string | undefined,
  invalid = awsErrors.invalidNextToken,
): { page: T[]; nextToken?: string } {
  let offset = 0;
  if (nextToken !== undefined) {
    const match = /^local-page:(\d+)$/.exec(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (match === null) throw invalid();
    offset = Number(match[1]);
  }
  const page = items.slice(offset, offset + maxResults);
  const next = offset + maxResults;
  if (next >= items.length) return { page };
  return { page, nextToken: Buffer.from(`local-page:${next}`, 'utf8').toString('base64url') };
}

/**
 * `read()`, or the `AwsError` it threw: AWS's answer for one entry of a batch, which the batch lists rather than
 * fails on. Anything else is rethrown.
 */
export function attempt<T>(read: () => T): T | AwsError {
  try {
    return read();
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
}
