import type { APIErrorType, SecretValueEntry } from '@aws-sdk/client-secrets-manager';
import { throwIfAborted } from '../../abort.js';
import { SecretRefAbortError, type SecretRefError } from '../../errors.js';
import type { FetchResult, SecretLocator, SecretPayload } from '../../types.js';
import { findBestMatch, matchScore } from './arn.js';
import type { AwsTransport } from './aws-transport.js';
import { type AwsCallSettings, getSecretValue, locatorContext } from './get-secret-value.js';
import { createLimiter } from './limit.js';
import { mapAwsError, mapAwsErrorCode } from './map-error.js';
import { toPayload } from './payload.js';

/** Secret ids per `BatchGetSecretValue` call: the API's limit. */
export const BATCH_SIZE = 20;
/** `GetSecretValue` calls in flight at once when batching is not possible; also the bound on batch calls. */
export const FALLBACK_CONCURRENCY = 10;

/** What a provider remembers between batched fetches. */
export interface BatchState {
  /** Set once `BatchGetSecretValue` was refused; from then on every secret is read with `GetSecretValue`. */
  batchDenied: boolean;
}

type Outcome = { ok: true; payload: SecretPayload } | { ok: false; error: SecretRefError };

/**
 * Fetches many locators with as few calls as possible: current versions through `BatchGetSecretValue`
 * (20 ids a call, per region, up to 10 calls in parallel), pinned versions and lone secrets through `GetSecretValue`.
 * When the batch call is denied it falls back to `GetSecretValue` and remembers that in `state`.
 * Rejects only when aborted.
 * @example
 *   const results = await fetchManyFromAws(transport, settings, { batchDenied: false }, [{ secretId: 'db' }]);
 */
export async function fetchManyFromAws(
  transport: AwsTransport,
  settings: AwsCallSettings,
  state: BatchState,
  locators: readonly SecretLocator[],
  signal?: AbortSignal,
): Promise<FetchResult[]> {
  throwIfAborted(signal);
  const limit = createLimiter(FALLBACK_CONCURRENCY);
  const limitBatches = createLimiter(FALLBACK_CONCURRENCY);
  const outcomes = new Map<string, Promise<Outcome>>();
  const keyOf = (locator: SecretLocator): string =>
    JSON.stringify([locator.secretId, locator.versionStage ?? null, locator.versionId ?? null]);

  const getOne = (locator: SecretLocator): Promise<Outcome> =>
    limit(() => settle(getSecretValue(transport, settings, locator, signal)));

  const byRegion = new Map<string, Set<string>>();
  for (const locator of locators) {
    const current = isCurrentVersion(locator);
    const target = current ? { secretId: locator.secretId } : locator;
    const key = keyOf(target);
    if (current && !state.batchDenied) {
      const region = transport.regionFor(locator.secretId) ?? '';
      const ids = byRegion.get(region) ?? new Set<string>();
      ids.add(locator.secretId);
      byRegion.set(region, ids);
    } else if (!outcomes.has(key)) {
      outcomes.set(key, getOne(target));
    }
  }

  for (const [region, idSet] of byRegion) {
    const ids = [...idSet].filter((secretId) => !outcomes.has(keyOf({ secretId })));
    if (ids.length === 1) {
      outcomes.set(keyOf({ secretId: ids[0]! }), getOne({ secretId: ids[0]! }));
      continue;
    }
    for (let start = 0; start < ids.length; start += BATCH_SIZE) {
      const chunk = ids.slice(start, start + BATCH_SIZE);
      const settled = limitBatches(() =>
        batchChunk(transport, settings, state, region || undefined, chunk, getOne, signal),
      );
      chunk.forEach((secretId, index) => {
        outcomes.set(
          keyOf({ secretId }),
          settled.then((all) => all[index]!),
        );
      });
    }
  }

  const results = await Promise.all(
    locators.map(
      (locator) => outcomes.get(keyOf(isCurrentVersion(locator) ? { secretId: locator.secretId } : locator))!,
    ),
  );
  throwIfAborted(signal);
  return results;
}

function isCurrentVersion(locator: SecretLocator): boolean {
  return (
    locator.versionId === undefined &&
    (locator.versionStage === undefined || locator.versionStage === 'AWSCURRENT')
  );
}

async function settle(promise: Promise<SecretPayload>): Promise<Outcome> {
  try {
    return { ok: true, payload: await promise };
  } catch (error) {
    if (error instanceof SecretRefAbortError) throw error;
    return { ok: false, error: error as SecretRefError };
  }
}

async function batchChunk(
  transport: AwsTransport,
  settings: AwsCallSettings,
  state: BatchState,
  region: string | undefined,
  ids: string[],
  getOne: (locator: SecretLocator) => Promise<Outcome>,
  signal: AbortSignal | undefined,
): Promise<Outcome[]> {
  if (state.batchDenied) return Promise.all(ids.map((secretId) => getOne({ secretId })));
  const values: SecretValueEntry[] = [];
  const errors: APIErrorType[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await transport.batchGetSecretValue(
        region,
        { SecretIdList: ids, ...(nextToken === undefined ? {} : { NextToken: nextToken }) },
        signal,
      );
      values.push(...(page.SecretValues ?? []));
      errors.push(...(page.Errors ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined && nextToken !== '');
  } catch (error) {
    if (isBatchRefused(error) && !signal?.aborted) {
      state.batchDenied = true;
      return Promise.all(ids.map((secretId) => getOne({ secretId })));
    }
    return ids.map((secretId) => {
      const mapped = mapAwsError(
        error,
        locatorContext('BatchGetSecretValue', { secretId }, region, settings, signal),
      );
      if (mapped instanceof SecretRefAbortError) throw mapped;
      return { ok: false, error: mapped };
    });
  }
  return ids.map((secretId) => matchOutcome(secretId, values, errors, region, settings));
}

function isBatchRefused(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AccessDeniedException' || name === 'UnknownOperationException';
}

function matchOutcome(
  secretId: string,
  values: readonly SecretValueEntry[],
  errors: readonly APIErrorType[],
  region: string | undefined,
  settings: AwsCallSettings,
): Outcome {
  const value = findBestMatch(
    secretId,
    values.map((entry) => ({ arn: entry.ARN, name: entry.Name, entry })),
  );
  if (value !== undefined) return { ok: true, payload: toPayload(value.entry) };
  const context = locatorContext('GetSecretValue', { secretId }, region, settings, undefined);
  const failure =
    errors.find((entry) => entry.SecretId === secretId) ??
    errors.find(
      (entry) => entry.SecretId !== undefined && matchScore(secretId, identityOf(entry.SecretId)) > 0,
    );
  if (failure !== undefined) {
    return {
      ok: false,
      error: mapAwsErrorCode(failure.ErrorCode ?? 'UnknownError', failure.Message, context),
    };
  }
  return { ok: false, error: mapAwsErrorCode('ResourceNotFoundException', undefined, context) };
}

function identityOf(secretId: string): { arn?: string; name?: string } {
  return secretId.startsWith('arn:') ? { arn: secretId } : { name: secretId };
}
