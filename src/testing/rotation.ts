/**
 * Rotation on the local endpoint, as Secrets Manager does it: `PutSecretValue` adds a version (its id is the
 * `ClientRequestToken`), `UpdateSecretVersionStage` moves a staging label, and moving `AWSCURRENT` hands
 * `AWSPREVIOUS` to the version it left. Rules from the API reference (PutSecretValue, UpdateSecretVersionStage):
 * without `VersionStages` a new version becomes `AWSCURRENT`; a repeated token with the same value is ignored, with
 * another value it fails; a label attached elsewhere moves only when `RemoveFromVersionId` names its holder.
 *
 * {@link rotate} drives the whole cycle through the real SDK, as a rotation function does.
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { AwsError, awsErrors } from './aws-error.js';
import {
  type ActionHandler,
  type Input,
  optionalString,
  optionalStringList,
  requiredString,
} from './input.js';
import { attachStage, type StoredVersion, versionById } from './store.js';
import type { LocalSecretsManager } from './types.js';

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';

function readBinary(input: Input): Uint8Array | undefined {
  const value = input.SecretBinary;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw awsErrors.validation('SecretBinary must be base64 text');
  return new Uint8Array(Buffer.from(value, 'base64'));
}

function sameValue(version: StoredVersion, text: string | undefined, bytes: Uint8Array | undefined): boolean {
  const binaryEqual =
    version.secretBinary === undefined || bytes === undefined
      ? version.secretBinary === bytes
      : Buffer.from(version.secretBinary).equals(Buffer.from(bytes));
  return version.secretString === text && binaryEqual;
}

function versionIdOf(input: Input): string | undefined {
  const token = optionalString(input, 'ClientRequestToken');
  if (token !== undefined && (token.length < 32 || token.length > 64)) {
    throw awsErrors.validation(
      "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: " +
        'Member must have length between 32 and 64',
    );
  }
  return token;
}

const putSecretValue: ActionHandler = (input, ctx) => {
  const secret = ctx.store.resolve(requiredString(input, 'SecretId'));
  if (secret.deletedDate !== undefined) throw awsErrors.deleted();
  const text = optionalString(input, 'SecretString');
  const bytes = readBinary(input);
  if ((text === undefined) === (bytes === undefined)) {
    throw awsErrors.invalidParameter('You must provide either SecretString or SecretBinary, but not both.');
  }
  const stages = optionalStringList(input, 'VersionStages', 20) ?? [CURRENT];
  const versionId = versionIdOf(input) ?? randomUUID();
  const existing = secret.versions.find((v) => v.versionId === versionId);
  if (existing !== undefined) {
    if (!sameValue(existing, text, bytes)) {
      throw new AwsError(
        'ResourceExistsException',
        "You can't modify an existing version, you can only create a new version.",
      );
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...existing.stages] };
  }
  const now = new Date();
  const version: StoredVersion = { versionId, stages: [], createdDate: now };
  if (text !== undefined) version.secretString = text;
  if (bytes !== undefined) version.secretBinary = bytes;
  secret.versions.push(version);
  for (const stage of stages) attachStage(secret, stage, version);
  secret.lastChangedDate = now;
  return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...version.stages] };
};

const updateSecretVersionStage: ActionHandler = (input, ctx) => {
  const secret = ctx.store.resolve(requiredString(input, 'SecretId'));
  if (secret.deletedDate !== undefined) throw awsErrors.deleted();
  const stage = requiredString(input, 'VersionStage');
  const moveTo = optionalString(input, 'MoveToVersionId');
  const removeFrom = optionalString(input, 'RemoveFromVersionId');
  const holder = secret.versions.find((v) => v.stages.includes(stage));
  if (moveTo !== undefined) {
    const target = versionById(secret, moveTo);
    if (holder !== undefined && holder !== target && removeFrom !== holder.versionId) {
      throw awsErrors.invalidParameter(
        `The staging label ${stage} is currently attached to version ${holder.versionId}, ` +
          'so you must explicitly reference that version in RemoveFromVersionId.',
      );
    }
    attachStage(secret, stage, target);
  } else if (removeFrom !== undefined) {
    const version = versionById(secret, removeFrom);
    if (!version.stages.includes(stage)) {
      throw awsErrors.invalidParameter(
        `The staging label ${stage} is not attached to version ${removeFrom}.`,
      );
    }
    if (stage === CURRENT) {
      throw awsErrors.invalidParameter(
        'You can only move the staging label AWSCURRENT to another version; you cannot remove it.',
      );
    }
    version.stages = version.stages.filter((s) => s !== stage);
  } else {
    throw awsErrors.invalidParameter('You must specify MoveToVersionId, RemoveFromVersionId, or both.');
  }
  secret.lastChangedDate = new Date();
  return { ARN: secret.arn, Name: secret.name };
};

/** The rotation operations, by `X-Amz-Target` action name; merged into the endpoint's action table. */
export const rotationActions: ReadonlyMap<string, ActionHandler> = new Map([
  ['PutSecretValue', putSecretValue],
  ['UpdateSecretVersionStage', updateSecretVersionStage],
]);

/** What {@link rotate} did: the new current version and the one that became `AWSPREVIOUS`. */
export interface Rotation {
  versionId: string;
  previousVersionId: string | undefined;
}

/**
 * Rotates `name` to `value` through the real SDK, in the steps of a rotation function: `PutSecretValue` with
 * `AWSPENDING` (createSecret), `UpdateSecretVersionStage` moving `AWSCURRENT` to it (finishSecret; the old current
 * becomes `AWSPREVIOUS`), then `AWSPENDING` removed, as Secrets Manager does once a rotation succeeds.
 * @example
 *   const { versionId, previousVersionId } = await rotate(sm, 'db', '{"password":"new"}');
 */
export async function rotate(sm: LocalSecretsManager, name: string, value: string): Promise<Rotation> {
  const client = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: sm.region,
    credentials: sm.credentials,
    maxAttempts: 1,
  });
  try {
    const before = await client.send(new DescribeSecretCommand({ SecretId: name }));
    const previousVersionId = Object.entries(before.VersionIdsToStages ?? {}).find(([, stages]) =>
      stages.includes(CURRENT),
    )?.[0];
    const put = await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: value, VersionStages: [PENDING] }),
    );
    const versionId = put.VersionId as string;
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: CURRENT,
        MoveToVersionId: versionId,
        ...(previousVersionId === undefined ? {} : { RemoveFromVersionId: previousVersionId }),
      }),
    );
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: PENDING,
        RemoveFromVersionId: versionId,
      }),
    );
    return { versionId, previousVersionId };
  } finally {
    client.destroy();
  }
}
