import { extendsBySuffix, parseSecretArn, stageAskedFor } from '../../ref/secret-names.js';
import type { SecretLocator, SecretPayload } from '../../types.js';
import { AnswerShapeError, toPayload } from './answer-shape.js';
import type { AwsTransport } from './aws-transport.js';
import { type AwsCallSettings, callContext } from './call-context.js';
import { callAws } from './map-error.js';

/**
 * Fetches one secret version with `GetSecretValue` from the region its id names; failures become
 * `SecretFetchError`s (or `SecretRefAbortError`).
 */
export async function getSecretValue(
  transport: AwsTransport,
  settings: AwsCallSettings,
  locator: SecretLocator,
  signal?: AbortSignal,
): Promise<SecretPayload> {
  const region = transport.regionFor(locator.secretId);
  const input = {
    SecretId: locator.secretId,
    ...(locator.versionStage === undefined ? {} : { VersionStage: locator.versionStage }),
    ...(locator.versionId === undefined ? {} : { VersionId: locator.versionId }),
  };
  return callAws(
    () => callContext('GetSecretValue', locator, region, settings, signal),
    () => transport.getSecretValue(region, input, signal),
    (output) => {
      const payload = toPayload(output);
      if (!answersFor(locator.secretId, payload)) {
        throw new AnswerShapeError('it names another secret (`ARN` / `Name` do not fit the id asked for)');
      }
      if (!isVersionAskedFor(locator, payload)) {
        throw new AnswerShapeError(
          'it holds another version (`VersionId` / `VersionStages` do not fit the version asked for)',
        );
      }
      return payload;
    },
  );
}

/**
 * Whether an answer's `ARN` and `Name` (when AWS sent them) fit the id it was asked for: a full ARN is that ARN, a
 * partial ARN is the ARN less its suffix, a name is the `Name`.
 */
function answersFor(secretId: string, payload: SecretPayload): boolean {
  const { arn, name } = payload;
  if (secretId.startsWith('arn:')) {
    if (arn !== undefined) return arn === secretId || extendsBySuffix(arn, secretId);
    const resource = parseSecretArn(secretId)?.resource;
    return (
      name === undefined || resource === undefined || resource === name || extendsBySuffix(resource, name)
    );
  }
  if (name !== undefined) return name === secretId;
  const resource = arn === undefined ? undefined : parseSecretArn(arn)?.resource;
  return resource === undefined || extendsBySuffix(resource, secretId);
}

/** Whether an answer's `VersionId` and `VersionStages` (when AWS sent them) fit the version it was asked for. */
function isVersionAskedFor(locator: SecretLocator, payload: SecretPayload): boolean {
  if (
    locator.versionId !== undefined &&
    payload.versionId !== undefined &&
    payload.versionId !== locator.versionId
  ) {
    return false;
  }
  const stage = stageAskedFor(locator);
  return stage === undefined || payload.versionStages === undefined || payload.versionStages.includes(stage);
}
