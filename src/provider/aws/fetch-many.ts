import pLimit from 'p-limit';
import { throwIfAborted } from '../../abort.js';
import { SecretFetchError, SecretRefAbortError, SecretRefError } from '../../errors.js';
import { CURRENT_STAGE, isCurrentLocator } from '../../ref/secret-names.js';
import type { FetchResult, SecretLocator, SecretPayload } from '../../types.js';
import { AnswerShapeError, createPageGuard, MAX_BATCH_PAGES, readBatchPage } from './answer-shape.js';
import type { AwsTransport } from './aws-transport.js';
import { type BatchEntry, type BatchErrorEntry, matchBatch } from './batch-match.js';
import { type AwsCallSettings, callContext, malformedAnswer } from './call-context.js';
import { awsErrorKindOf } from './error-names.js';
import { getSecretValue } from './get-secret-value.js';
import { mapAwsError, mapAwsErrorCode } from './map-error.js';

/** Secret ids per `BatchGetSecretValue` call: the API's limit. */
const BATCH_SIZE = 20;
/** `GetSecretValue` calls in flight at once when batching is not possible; also the bound on batch calls. */
const FALLBACK_CONCURRENCY = 10;

/** What a provider remembers between batched fetches. */
export interface BatchState {
  /** Set once `BatchGetSecretValue` was refused; from then on every secret is read with `GetSecretValue`. */
  batchDenied: boolean;
}

/**
 * Fetches many locators with as few calls as possible: current versions through `BatchGetSecretValue`
 * (20 ids a call, per region, up to 10 calls in parallel), pinned versions and lone secrets through `GetSecretValue`.
 * When the batch call is denied it falls back to `GetSecretValue` and remembers that in `state`. A batch call that
 * fails as a whole for any other reason that is not transient nor about the credentials or the endpoint (one secret
 * without a current value fails it for all) is asked again id by id, so that each id gets its own answer.
 * Rejects only when aborted.
 */
export async function fetchManyFromAws(
  transport: AwsTransport,
  settings: AwsCallSettings,
  state: BatchState,
  locators: readonly SecretLocator[],
  signal?: AbortSignal,
): Promise<FetchResult[]> {
  throwIfAborted(signal);
  const limit = pLimit(FALLBACK_CONCURRENCY);
  const limitBatches = pLimit(FALLBACK_CONCURRENCY);
  const outcomes = new Map<string, Promise<FetchResult>>();
  const keyOf = (locator: SecretLocator): string =>
    JSON.stringify([locator.secretId, locator.versionStage ?? null, locator.versionId ?? null]);

  const getOne = (locator: SecretLocator): Promise<FetchResult> =>
    limit(() => settle(getSecretValue(transport, settings, locator, signal)));

  const byRegion = new Map<string, Set<string>>();
  for (const locator of locators) {
    const current = isCurrentLocator(locator);
    const target = current ? { secretId: locator.secretId } : locator;
    const key = keyOf(target);
    if (current && !state.batchDenied) {
      let region: string;
      try {
        region = transport.regionFor(locator.secretId) ?? '';
      } catch (error) {
        // The caller's secret id may name no region (a malformed ARN): that id fails, the others are read.
        outcomes.set(key, Promise.resolve({ ok: false, error: error as SecretRefError }));
        continue;
      }
      const ids = byRegion.get(region) ?? new Set<string>();
      ids.add(locator.secretId);
      byRegion.set(region, ids);
    } else if (!outcomes.has(key)) {
      outcomes.set(key, getOne(target));
    }
  }

  for (const [region, idSet] of byRegion) {
    const ids = [...idSet];
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
      (locator) => outcomes.get(keyOf(isCurrentLocator(locator) ? { secretId: locator.secretId } : locator))!,
    ),
  );
  throwIfAborted(signal);
  return results;
}

async function settle(promise: Promise<SecretPayload>): Promise<FetchResult> {
  try {
    return { ok: true, payload: await promise };
  } catch (error) {
    // One read failed at AWS (already a typed error): kept for its id; an abort ends the call.
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
  getOne: (locator: SecretLocator) => Promise<FetchResult>,
  signal: AbortSignal | undefined,
): Promise<FetchResult[]> {
  const eachAlone = () => Promise.all(ids.map((secretId) => getOne({ secretId })));
  if (state.batchDenied) return eachAlone();
  const context = (secretId: string) =>
    callContext('BatchGetSecretValue', { secretId }, region, settings, signal);
  const entries: BatchEntry[] = [];
  const errors: BatchErrorEntry[] = [];
  const guard = createPageGuard(MAX_BATCH_PAGES);
  let nextToken: string | undefined;
  do {
    let output: unknown;
    try {
      output = await transport.batchGetSecretValue(
        region,
        { SecretIdList: ids, ...(nextToken === undefined ? {} : { NextToken: nextToken }) },
        signal,
      );
    } catch (error) {
      // AWS, through the SDK, may fail in any way: each failure becomes a typed error.
      if (isBatchRefused(error) && !signal?.aborted) {
        state.batchDenied = true;
        return eachAlone();
      }
      const mapped = ids.map((secretId) => mapAwsError(error, context(secretId)));
      const aborted = mapped.find((each) => each instanceof SecretRefAbortError);
      if (aborted !== undefined) throw aborted;
      // AWS fails the whole call for one id's fault (a secret without a current value, a malformed id, a KMS key
      // that will not decrypt): only a failure of the call itself is every id's answer; otherwise each id is asked
      // on its own, so that the healthy ones get their values and the culprit its own error.
      if (!isWholeCallFailure(error, mapped[0]!)) return eachAlone();
      return mapped.map((each) => ({ ok: false, error: each }));
    }
    try {
      const page = readBatchPage(output);
      entries.push(...page.entries);
      errors.push(...page.errors);
      nextToken = guard.next(output as Record<string, unknown>);
    } catch (error) {
      // The answer is AWS's: a field of the wrong shape makes it malformed; any other throw is ours.
      if (!(error instanceof AnswerShapeError)) throw error;
      return ids.map((secretId) => ({ ok: false, error: malformedAnswer(context(secretId), error.message) }));
    }
  } while (nextToken !== undefined);
  const matches = matchBatch(ids, entries, errors, { region });
  return Promise.all(
    ids.map((secretId): FetchResult | Promise<FetchResult> => {
      const match = matches.get(secretId) ?? { kind: 'alone' };
      const where = callContext('GetSecretValue', { secretId }, region, settings, undefined);
      if (match.kind === 'alone') return getOne({ secretId });
      if (match.kind === 'error') {
        const { errorCode, message } = match.error;
        return { ok: false, error: mapAwsErrorCode(errorCode, message, where) };
      }
      if (match.entry.payload === undefined) {
        return { ok: false, error: malformedAnswer(context(secretId), match.entry.problem) };
      }
      const stages = match.entry.payload.versionStages;
      if (stages !== undefined && !stages.includes(CURRENT_STAGE)) {
        return {
          ok: false,
          error: malformedAnswer(context(secretId), 'its entry is not the current version (`VersionStages`)'),
        };
      }
      return { ok: true, payload: match.entry.payload };
    }),
  );
}

/** The batch action itself is not allowed or not known: remembered, and every id read with `GetSecretValue`. */
function isBatchRefused(error: unknown): boolean {
  const kind = awsErrorKindOf(error);
  return kind === 'access_denied' || kind === 'unknown_operation';
}

/** Codes that describe the call rather than any one id: the credentials, or an endpoint that cannot answer. */
const CALL_CODES: ReadonlySet<string> = new Set(['invalid_credentials', 'unknown_endpoint', 'aborted']);

/**
 * Whether a failed batch call is the same answer for every id it held: a transient failure (throttling, 5xx,
 * network, timeout: the cache's stale-if-error rules apply to each id), the credentials or the endpoint, or one of
 * the library's own errors (no AWS answer at all). Anything else may be one id's fault.
 */
export function isWholeCallFailure(error: unknown, mapped: SecretRefError): boolean {
  if (error instanceof SecretRefError) return true;
  return (mapped instanceof SecretFetchError && mapped.transient) || CALL_CODES.has(mapped.code);
}
