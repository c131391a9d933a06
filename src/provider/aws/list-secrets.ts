import { readSignal } from '../../abort.js';
import { SecretRefConfigError } from '../../errors.js';
import type { ListSecretsOptions, SecretSummary } from '../../types.js';
import {
  createPageGuard,
  MAX_LIST_PAGES,
  readDate,
  readList,
  readRecord,
  readString,
} from './answer-shape.js';
import type { AwsTransport } from './aws-transport.js';
import { type AwsCallSettings, callContext } from './call-context.js';
import { callAws } from './map-error.js';

/** The page size asked of `ListSecrets` when none is given: the API's maximum. */
const DEFAULT_PAGE_SIZE = 100;

/**
 * Lists the secrets of the default region, every page, as metadata only. `prefix` is sent as AWS's `name` filter
 * and then applied exactly (AWS matches it case-insensitively), so every name yielded starts with `prefix`.
 * Options are checked before the first call: options that are not an object, or a bad option, throw a
 * `SecretRefConfigError` naming it.
 */
export function listAwsSecrets(
  transport: AwsTransport,
  settings: AwsCallSettings,
  options?: ListSecretsOptions,
): AsyncIterable<SecretSummary> {
  const signal = readSignal(options);
  const { prefix, pageSize = DEFAULT_PAGE_SIZE } = options ?? {};
  if (typeof pageSize !== 'number' || !Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw new SecretRefConfigError('pageSize', '`pageSize` must be a whole number from 1 to 100');
  }
  if (prefix !== undefined && (typeof prefix !== 'string' || prefix.length > 512 || prefix.startsWith('!'))) {
    throw new SecretRefConfigError(
      'prefix',
      '`prefix` must be text of at most 512 characters that does not start with `!` (AWS reads that as "not")',
    );
  }
  return pages(transport, settings, pageSize, prefix === '' ? undefined : prefix, signal);
}

async function* pages(
  transport: AwsTransport,
  settings: AwsCallSettings,
  pageSize: number,
  prefix: string | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<SecretSummary> {
  const guard = createPageGuard(MAX_LIST_PAGES);
  const context = async () =>
    callContext('ListSecrets', undefined, await transport.defaultRegion(), settings, signal);
  let nextToken: string | undefined;
  do {
    const input = {
      MaxResults: pageSize,
      ...(prefix === undefined ? {} : { Filters: [{ Key: 'name' as const, Values: [prefix] }] }),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
    const summaries = await callAws(
      context,
      () => transport.listSecrets(input, signal),
      (output) => {
        const page = readRecord(output, 'the answer');
        const listed = (readList(page, 'SecretList', readSummary) ?? []).filter(
          (summary): summary is SecretSummary =>
            summary !== undefined && (prefix === undefined || summary.name.startsWith(prefix)),
        );
        nextToken = guard.next(page);
        return listed;
      },
    );
    yield* summaries;
  } while (nextToken !== undefined);
}

/** One `SecretList` entry as a summary; `undefined` for an entry without a name. Wrong types throw. */
function readSummary(item: unknown, what: string): SecretSummary | undefined {
  const entry = readRecord(item, what);
  const name = readString(entry, 'Name');
  const arn = readString(entry, 'ARN');
  const description = readString(entry, 'Description');
  const lastChangedDate = readDate(entry, 'LastChangedDate');
  const tags = readList(entry, 'Tags', (tag, where) => {
    const record = readRecord(tag, where);
    return [readString(record, 'Key'), readString(record, 'Value') ?? ''] as const;
  });
  if (name === undefined) return undefined;
  const summary: SecretSummary = { name };
  if (arn !== undefined) summary.arn = arn;
  if (description !== undefined) summary.description = description;
  if (lastChangedDate !== undefined) summary.lastChangedDate = lastChangedDate;
  const named = (tags ?? []).filter((tag): tag is readonly [string, string] => tag[0] !== undefined);
  if (named.length > 0) summary.tags = Object.fromEntries(named);
  return summary;
}
