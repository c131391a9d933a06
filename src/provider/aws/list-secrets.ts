import type { SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { readSignal } from '../../abort.js';
import { SecretRefConfigError } from '../../errors.js';
import type { ListSecretsOptions, SecretSummary } from '../../types.js';
import type { AwsTransport } from './aws-transport.js';
import type { AwsCallSettings } from './get-secret-value.js';
import { mapAwsError } from './map-error.js';

/** The page size asked of `ListSecrets` when none is given: the API's maximum. */
export const DEFAULT_PAGE_SIZE = 100;

/**
 * Lists the secrets of the default region, every page, as metadata only. `prefix` is sent as AWS's `name` filter
 * and then applied exactly (AWS matches it case-insensitively), so every name yielded starts with `prefix`.
 * Options are checked before the first call: options that are not an object, or a bad option, throw a
 * `SecretRefConfigError` naming it.
 * @example
 *   for await (const secret of listAwsSecrets(transport, settings, { prefix: 'prod/' })) names.push(secret.name);
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
  let nextToken: string | undefined;
  do {
    let page: Awaited<ReturnType<AwsTransport['listSecrets']>>;
    try {
      page = await transport.listSecrets(
        undefined,
        {
          MaxResults: pageSize,
          ...(prefix === undefined ? {} : { Filters: [{ Key: 'name', Values: [prefix] }] }),
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        },
        signal,
      );
    } catch (error) {
      throw mapAwsError(error, {
        action: 'ListSecrets',
        region: await transport.defaultRegion(),
        endpoint: settings.endpoint,
        requestTimeoutMs: settings.requestTimeoutMs,
        signal,
      });
    }
    for (const entry of page.SecretList ?? []) {
      if (entry.Name === undefined || (prefix !== undefined && !entry.Name.startsWith(prefix))) continue;
      yield toSummary(entry.Name, entry);
    }
    nextToken = page.NextToken === '' ? undefined : page.NextToken;
  } while (nextToken !== undefined);
}

function toSummary(name: string, entry: SecretListEntry): SecretSummary {
  const summary: SecretSummary = { name };
  if (entry.ARN !== undefined) summary.arn = entry.ARN;
  if (entry.Description !== undefined) summary.description = entry.Description;
  if (entry.LastChangedDate !== undefined) summary.lastChangedDate = entry.LastChangedDate;
  if (entry.Tags !== undefined && entry.Tags.length > 0) {
    summary.tags = Object.fromEntries(
      entry.Tags.flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? '']])),
    );
  }
  return summary;
}
