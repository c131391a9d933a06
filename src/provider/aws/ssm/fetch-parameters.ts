import type { Parameter } from '@aws-sdk/client-ssm';
import { throwIfAborted } from '../../../abort.js';
import { SecretFetchError, SecretRefAbortError, SecretRefError } from '../../../errors.js';
import type { FetchResult, SecretLocator, SecretPayload } from '../../../types.js';
import { type AwsCallSettings, callContext, describeSubject } from '../call-context.js';
import { isWholeCallFailure } from '../fetch-many.js';
import { mapAwsError } from '../map-error.js';
import type { SsmTransport } from './ssm-transport.js';

/** Names per `GetParameters` call: the API's limit. */
const PARAMETERS_PER_CALL = 10;

const TYPES = new Set(['String', 'StringList', 'SecureString']);

/** The `:<version>` or `:<label>` of a pinned locator; undefined when it is not pinned. */
function selectorOf(locator: SecretLocator): string | undefined {
  const selector = locator.versionId ?? locator.versionStage;
  return selector === undefined ? undefined : `:${selector}`;
}

function notFound(locator: SecretLocator, region: string | undefined): FetchResult {
  const error = new SecretFetchError(
    'secret_not_found',
    `The ${describeSubject(locator)} was not found in Parameter Store in ${region ?? "the client's region"}; check the name, the version or label, and the region`,
    { ref: locator.secretId, transient: false },
  );
  return { ok: false, error };
}

function malformed(locator: SecretLocator, what: string): FetchResult {
  const error = new SecretFetchError(
    'provider_error',
    `Parameter Store gave a malformed answer for the ${describeSubject(locator)}: ${what}`,
    { ref: locator.secretId, transient: false },
  );
  return { ok: false, error };
}

/**
 * The payload of one answered parameter, checked as strictly as a Secrets Manager answer: the name it answers,
 * the version asked for, a known type, text as value. An `ssm` read of a SecureString is refused: its value is
 * ciphertext, never returned, logged or put in an error.
 */
function toPayload(parameter: Parameter, locator: SecretLocator): FetchResult {
  const { Type: type, Value: value, Version: version, Name: name, ARN: arn } = parameter;
  if (typeof type !== 'string' || !TYPES.has(type))
    return malformed(locator, 'its `Type` is not String, StringList or SecureString');
  if (type === 'SecureString' && locator.service !== 'ssm-secure') {
    return {
      ok: false,
      error: new SecretRefError(
        'invalid_reference',
        `The ${describeSubject(locator)} is a SecureString: read it with {{resolve:ssm-secure:…}} (an ssm reference reads without decryption, and its ciphertext is never returned)`,
        { ref: locator.secretId },
      ),
    };
  }
  if (typeof value !== 'string') return malformed(locator, '`Value` is not a string');
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    return malformed(locator, '`Version` is not a positive whole number');
  }
  if (locator.versionId !== undefined && String(version) !== locator.versionId) {
    return malformed(locator, `it answered version ${version}`);
  }
  const payload: SecretPayload = { secretString: value, versionId: String(version) };
  if (typeof name === 'string') payload.name = name;
  if (typeof arn === 'string') payload.arn = arn;
  if (locator.versionStage !== undefined) payload.versionStages = [locator.versionStage];
  return { ok: true, payload };
}

/** Whether an answered parameter is the one `locator` asks for (`name`, `name:3`, `name:label`). */
function answers(parameter: Parameter, locator: SecretLocator): boolean {
  const sameName = parameter.Name === locator.secretId || parameter.ARN === locator.secretId;
  return sameName && (parameter.Selector ?? undefined) === selectorOf(locator);
}

/**
 * Whether two answered parameters that fit one locator are the same answer (one parameter asked for by name and by
 * ARN: AWS names each as it was asked): the same ARN, type, value, version and selector.
 */
function sameAnswer(a: Parameter, b: Parameter): boolean {
  return (
    a.ARN === b.ARN &&
    a.Type === b.Type &&
    a.Value === b.Value &&
    a.Version === b.Version &&
    (a.Selector ?? undefined) === (b.Selector ?? undefined)
  );
}

/**
 * Fetches Parameter Store locators: `ssm` and `ssm-secure` in separate `GetParameters` calls (without and with
 * decryption), per region, up to 10 names a call; `InvalidParameters` become per-locator `secret_not_found`. A call
 * that fails for what may be one name's fault is asked again name by name. One result per locator, in order.
 * Rejects only when aborted.
 */
export async function fetchParameters(
  transport: SsmTransport,
  settings: AwsCallSettings,
  locators: readonly SecretLocator[],
  signal?: AbortSignal,
): Promise<FetchResult[]> {
  throwIfAborted(signal);
  const results: (FetchResult | undefined)[] = locators.map(() => undefined);
  const groups = new Map<
    string,
    { region: string | undefined; decrypt: boolean; items: Map<string, number[]> }
  >();
  locators.forEach((locator, index) => {
    let region: string | undefined;
    try {
      region = transport.regionFor(locator.secretId);
    } catch (error) {
      results[index] = { ok: false, error: error as SecretRefError };
      return;
    }
    const decrypt = locator.service === 'ssm-secure';
    const groupKey = `${decrypt}|${region ?? ''}`;
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = { region, decrypt, items: new Map() };
      groups.set(groupKey, group);
    }
    // The name GetParameters is asked for: the name or ARN, then `:<version>` or `:<label>` when pinned.
    const name = `${locator.secretId}${selectorOf(locator) ?? ''}`;
    group.items.set(name, [...(group.items.get(name) ?? []), index]);
  });

  /** The result of each locator of one call, by the name it was asked as. */
  const answerChunk = async (
    group: { region: string | undefined; decrypt: boolean },
    chunk: string[],
  ): Promise<(locator: SecretLocator, name: string) => FetchResult> => {
    let answer: Awaited<ReturnType<SsmTransport['getParameters']>>;
    try {
      answer = await transport.getParameters(
        group.region,
        { Names: chunk, WithDecryption: group.decrypt },
        signal,
      );
    } catch (error) {
      if (signal?.aborted || error instanceof SecretRefAbortError) throw error;
      const contextOf = (locator: SecretLocator | undefined) =>
        callContext('GetParameters', locator, group.region, settings, signal);
      // AWS fails the whole call for one name's fault (a KMS key that will not decrypt, a name the policy does not
      // allow): unless the failure is the call's own (transient, the credentials, the endpoint), each name is asked
      // on its own, so that the healthy ones get their values and the culprit its own error.
      if (chunk.length > 1 && !isWholeCallFailure(error, mapAwsError(error, contextOf(undefined)))) {
        const alone = await Promise.all(chunk.map((name) => answerChunk(group, [name])));
        return (locator, name) => alone[chunk.indexOf(name)]!(locator, name);
      }
      // AWS's error, mapped in Parameter Store's words for each locator the call carried.
      return (locator) => ({ ok: false, error: mapAwsError(error, contextOf(locator)) });
    }
    // The answer is not trusted: anything but arrays of objects is malformed for every name asked.
    const parameters = Array.isArray(answer?.Parameters) ? answer.Parameters : undefined;
    const invalid = Array.isArray(answer?.InvalidParameters) ? answer.InvalidParameters : [];
    return (locator, name) => {
      if (parameters === undefined) return malformed(locator, '`Parameters` is not a list');
      const [first, ...rest] = parameters.filter(
        (p) => p !== null && typeof p === 'object' && answers(p, locator),
      );
      // One parameter asked for by name and by ARN in one call is answered twice: alike, it is one answer.
      if (rest.some((other) => !sameAnswer(first!, other)))
        return malformed(locator, 'it was answered twice');
      if (first !== undefined) return toPayload(first, locator);
      if (invalid.includes(name)) return notFound(locator, group.region);
      return malformed(locator, 'it is neither in `Parameters` nor in `InvalidParameters`');
    };
  };

  const calls: Promise<void>[] = [];
  for (const group of groups.values()) {
    const names = [...group.items.keys()];
    for (let start = 0; start < names.length; start += PARAMETERS_PER_CALL) {
      const chunk = names.slice(start, start + PARAMETERS_PER_CALL);
      calls.push(
        answerChunk(group, chunk).then((answerOf) => {
          for (const name of chunk) {
            for (const index of group.items.get(name)!) results[index] = answerOf(locators[index]!, name);
          }
        }),
      );
    }
  }
  await Promise.all(calls);
  return results.map((result, index) => result ?? malformed(locators[index]!, 'no answer was given for it'));
}
