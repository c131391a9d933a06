import { createHash } from 'node:crypto';
import type { SecretPayload } from '../../types.js';
import type { BatchEntry, BatchErrorEntry } from './batch-match.js';
import { typeOf } from './describe-value.js';

/**
 * The SDK passes on whatever JSON an endpoint sends, whatever its type (`{"SecretBinary": 200000000}` arrives as
 * a number), so every field the provider reads is checked here. A reader returns the field or throws an
 * `AnswerShapeError` naming the field and the type found, never the value.
 */
export class AnswerShapeError extends Error {
  override name = 'AnswerShapeError';
}

/** The answer as an object, or an `AnswerShapeError`. */
export function readRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw new AnswerShapeError(`${what} is ${typeOf(value)}, not an object`);
  }
  return value as Record<string, unknown>;
}

/** An optional field of the kind `is` checks (`kind` names it in the error); `null` reads as absent. */
function readField<T>(
  record: Record<string, unknown>,
  field: string,
  is: (value: unknown) => value is T,
  kind: string,
): T | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (!is(value)) throw new AnswerShapeError(`\`${field}\` is ${typeOf(value)}, not ${kind}`);
  return value;
}

const isText = (value: unknown): value is string => typeof value === 'string';

/** An optional text field. */
export function readString(record: Record<string, unknown>, field: string): string | undefined {
  return readField(record, field, isText, 'text');
}

/** An optional list field, each item checked by `read`. */
export function readList<T>(
  record: Record<string, unknown>,
  field: string,
  read: (item: unknown, what: string) => T,
): T[] | undefined {
  return readField(record, field, Array.isArray, 'a list')?.map((item, index) =>
    read(item, `\`${field}[${index}]\``),
  );
}

/** An optional date field (the SDK turns AWS's epoch seconds into a `Date`). */
export function readDate(record: Record<string, unknown>, field: string): Date | undefined {
  return readField(
    record,
    field,
    (value): value is Date => value instanceof Date && !Number.isNaN(value.getTime()),
    'a date',
  );
}

/**
 * A `GetSecretValue` answer or a `BatchGetSecretValue` entry as a `SecretPayload`, without the fields AWS did not
 * send; bytes are copied only when they are bytes, so a number in `SecretBinary` never becomes an allocation.
 */
export function toPayload(output: unknown): SecretPayload {
  const record = readRecord(output, 'the answer');
  const payload: SecretPayload = {};
  const secretString = readString(record, 'SecretString');
  // The SDK decodes AWS's base64 into a `Uint8Array`.
  const secretBinary = readField(record, 'SecretBinary', (value) => value instanceof Uint8Array, 'bytes');
  const arn = readString(record, 'ARN');
  const name = readString(record, 'Name');
  const versionId = readString(record, 'VersionId');
  const versionStages = readList(record, 'VersionStages', (item, what) => {
    if (!isText(item)) throw new AnswerShapeError(`${what} is ${typeOf(item)}, not text`);
    return item;
  });
  if (secretString !== undefined) payload.secretString = secretString;
  if (secretBinary !== undefined) payload.secretBinary = new Uint8Array(secretBinary);
  if (arn !== undefined) payload.arn = arn;
  if (name !== undefined) payload.name = name;
  if (versionId !== undefined) payload.versionId = versionId;
  if (versionStages !== undefined) payload.versionStages = versionStages;
  return payload;
}

/** Pages of one `ListSecrets` listing before it is ended as malformed: 1,000,000 secrets at 100 a page. */
export const MAX_LIST_PAGES = 10_000;
/** Pages of one `BatchGetSecretValue` call for up to 20 ids (AWS answers them in one page). */
export const MAX_BATCH_PAGES = 5;

/**
 * Follows the `NextToken`s of one paginated call and ends it when a token comes back a second time (the endpoint
 * would loop for ever) or the pages pass `maxPages`. Tokens are remembered by digest, so a hostile endpoint's long
 * tokens do not pile up.
 */
export function createPageGuard(maxPages: number): {
  next(page: Record<string, unknown>): string | undefined;
} {
  const seen = new Set<string>();
  let pages = 0;
  return {
    next(page) {
      pages += 1;
      const token = readString(page, 'NextToken');
      if (token === undefined || token === '') return undefined;
      if (pages >= maxPages) {
        throw new AnswerShapeError(`it asked for more than ${maxPages} pages`);
      }
      const digest = createHash('sha256').update(token).digest('base64');
      if (seen.has(digest)) throw new AnswerShapeError('it repeated a page token (`NextToken`)');
      seen.add(digest);
      return token;
    },
  };
}

/**
 * Reads one `BatchGetSecretValue` page. A page that is not an object, or whose lists are not lists, throws an
 * `AnswerShapeError`. An entry whose `ARN` or `Name` is not text, or that is not an object, cannot be
 * attributed to any id and is left out (its id then finds no entry and is fetched alone); an attributable entry
 * whose value fields are malformed keeps the reason as `problem`.
 */
export function readBatchPage(output: unknown): { entries: BatchEntry[]; errors: BatchErrorEntry[] } {
  const page = readRecord(output, 'the answer');
  const values = readList(page, 'SecretValues', (item) => item) ?? [];
  const failures = readList(page, 'Errors', (item) => item) ?? [];
  const entries = values.map(readEntry).filter((entry): entry is BatchEntry => entry !== undefined);
  const errors: BatchErrorEntry[] = [];
  for (const item of failures) {
    try {
      const record = readRecord(item, 'an error entry');
      const secretId = readString(record, 'SecretId');
      if (secretId === undefined) continue;
      errors.push({
        secretId,
        errorCode: readString(record, 'ErrorCode') ?? 'UnknownError',
        message: readString(record, 'Message'),
      });
    } catch (error) {
      // An error entry is AWS's: one of the wrong shape is skipped; any other throw is ours and propagates.
      if (!(error instanceof AnswerShapeError)) throw error;
    }
  }
  return { entries, errors };
}

function readEntry(item: unknown): BatchEntry | undefined {
  let arn: string | undefined;
  let name: string | undefined;
  try {
    const record = readRecord(item, 'an entry');
    arn = readString(record, 'ARN');
    name = readString(record, 'Name');
  } catch (error) {
    // An entry is AWS's: one without a readable ARN or name answers no id.
    if (error instanceof AnswerShapeError) return undefined;
    throw error;
  }
  try {
    return { arn, name, payload: toPayload(item) };
  } catch (error) {
    // An entry is AWS's: a malformed value is a problem for the id it names.
    if (!(error instanceof AnswerShapeError)) throw error;
    return { arn, name, problem: error.message };
  }
}
