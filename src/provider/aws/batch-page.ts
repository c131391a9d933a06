import { AnswerShapeError, readList, readRecord, readString } from './answer-shape.js';
import type { BatchEntry, BatchErrorEntry } from './batch-match.js';
import { toPayload } from './payload.js';

/** The entries of one `BatchGetSecretValue` page that can be attributed; the rest is counted as `unreadable`. */
export interface BatchPage {
  entries: BatchEntry[];
  errors: BatchErrorEntry[];
}

/**
 * Reads one `BatchGetSecretValue` page. A page that is not an object, or whose lists are not lists, throws an
 * `AnswerShapeError`. An entry whose `ARN` or `Name` is not text, or that is not an object, cannot be
 * attributed to any id and is left out (its id then finds no entry and is fetched alone); an attributable entry
 * whose value fields are malformed keeps the reason as `problem`.
 * @example
 *   const { entries, errors } = readBatchPage(await transport.batchGetSecretValue(region, input));
 */
export function readBatchPage(output: unknown): BatchPage {
  const page = readRecord(output, 'the answer');
  const values = readList(page, 'SecretValues', (item) => item) ?? [];
  const failures = readList(page, 'Errors', (item) => item) ?? [];
  const entries: BatchEntry[] = [];
  for (const item of values) {
    const entry = readEntry(item);
    if (entry !== undefined) entries.push(entry);
  }
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
