import { randomUUID } from 'node:crypto';
import { AwsError, awsErrors } from './aws-error.js';
import { matchesFilters, parseFilters } from './filters.js';
import {
  type ActionContext,
  type ActionHandler,
  attempt,
  type Input,
  optionalBoolean,
  optionalInt,
  optionalString,
  optionalStringList,
  paginate,
  requiredString,
} from './input.js';
import {
  addVersion,
  attachStage,
  epochSeconds,
  type StoredSecret,
  type StoredVersion,
  versionById,
} from './store.js';

const CURRENT = 'AWSCURRENT';

/** The `GetSecretValue` / `SecretValueEntry` shape of one version. */
function secretValueJson(secret: StoredSecret, version: StoredVersion): Record<string, unknown> {
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    VersionStages: [...version.stages],
    CreatedDate: epochSeconds(version.createdDate),
    SecretString: version.secretString,
    SecretBinary:
      version.secretBinary === undefined ? undefined : Buffer.from(version.secretBinary).toString('base64'),
  };
}

function versionsToStages(secret: StoredSecret): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const version of secret.versions)
    if (version.stages.length > 0) out[version.versionId] = [...version.stages];
  return out;
}

function metadataJson(secret: StoredSecret): Record<string, unknown> {
  const tags = Object.entries(secret.tags);
  return {
    ARN: secret.arn,
    Name: secret.name,
    Description: secret.description,
    LastChangedDate: epochSeconds(secret.lastChangedDate),
    CreatedDate: epochSeconds(secret.createdDate),
    DeletedDate: secret.deletedDate === undefined ? undefined : epochSeconds(secret.deletedDate),
    Tags: tags.length > 0 ? tags.map(([Key, Value]) => ({ Key, Value })) : undefined,
  };
}

function sorted(secrets: StoredSecret[], input: Input): StoredSecret[] {
  const sortBy = optionalString(input, 'SortBy') ?? 'created-date';
  const order = optionalString(input, 'SortOrder') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw awsErrors.invalidParameter(`Invalid SortOrder: ${order}`);
  // `secrets` come in creation order and the sort is stable: ties, and all of `created-date`, keep that order.
  const key = (s: StoredSecret): string | number =>
    sortBy === 'name' ? s.name : sortBy === 'last-changed-date' ? s.lastChangedDate.getTime() : 0;
  const out = [...secrets].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return order === 'desc' ? out.reverse() : out;
}

function deny(ctx: ActionContext, action: string, resource: string): void {
  if (ctx.denied.has(action)) throw awsErrors.accessDenied(ctx.principal, action, resource);
}

/*
 * Rotation, as Secrets Manager does it: `PutSecretValue` adds a version (its id is the `ClientRequestToken`),
 * `UpdateSecretVersionStage` moves a staging label, and moving `AWSCURRENT` hands `AWSPREVIOUS` to the version it
 * left. Rules from the API reference: without `VersionStages` a new version becomes `AWSCURRENT`; a repeated token
 * with the same value is ignored, with another value it fails; a label attached elsewhere moves only when
 * `RemoveFromVersionId` names its holder.
 */

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

/** The secret `SecretId` names, which a write may change only while it is not marked for deletion. */
function liveSecret(input: Input, ctx: ActionContext): StoredSecret {
  const secret = ctx.store.resolve(requiredString(input, 'SecretId'));
  if (secret.deletedDate !== undefined) throw awsErrors.deleted();
  return secret;
}

const handlers: Record<string, ActionHandler> = {
  GetSecretValue(input, ctx) {
    const secretId = requiredString(input, 'SecretId');
    const versionId = optionalString(input, 'VersionId');
    const versionStage = optionalString(input, 'VersionStage');
    const secret = ctx.store.resolve(secretId);
    return secretValueJson(secret, ctx.store.readVersion(secret, versionId, versionStage));
  },

  BatchGetSecretValue(input, ctx) {
    const ids = optionalStringList(input, 'SecretIdList', 20);
    const filters = parseFilters(input);
    const maxResults = optionalInt(input, 'MaxResults', 1, 20);
    const nextToken = optionalString(input, 'NextToken');
    if ((ids === undefined) === (filters === undefined)) {
      throw awsErrors.invalidParameter('You must provide either SecretIdList or Filters, but not both.');
    }
    let targets: string[];
    let next: string | undefined;
    if (ids !== undefined) {
      if (maxResults !== undefined || nextToken !== undefined) {
        throw awsErrors.invalidParameter('MaxResults and NextToken can only be used with Filters.');
      }
      targets = ids;
    } else {
      deny(ctx, 'ListSecrets', '*');
      const matching = ctx.store
        .all()
        .filter((s) => s.deletedDate === undefined && matchesFilters(s, filters ?? [], ctx.store.region));
      const paged = paginate(matching, maxResults ?? 20, nextToken);
      targets = paged.page.map((s) => s.arn);
      next = paged.nextToken;
    }
    const SecretValues: Record<string, unknown>[] = [];
    const Errors: Record<string, string>[] = [];
    for (const id of targets) {
      const entry = attempt(() => {
        const secret = ctx.store.resolve(id);
        deny(ctx, 'GetSecretValue', secret.arn);
        return secretValueJson(secret, ctx.store.readVersion(secret));
      });
      if (!(entry instanceof AwsError)) SecretValues.push(entry);
      else Errors.push({ SecretId: id, ErrorCode: entry.code, Message: entry.message });
    }
    return { SecretValues, Errors, NextToken: next };
  },

  ListSecrets(input, ctx) {
    const maxResults = optionalInt(input, 'MaxResults', 1, 100) ?? 100;
    const nextToken = optionalString(input, 'NextToken');
    const includeDeleted = optionalBoolean(input, 'IncludePlannedDeletion') ?? false;
    const filters = parseFilters(input) ?? [];
    const matching = ctx.store
      .all()
      .filter((s) => includeDeleted || s.deletedDate === undefined)
      .filter((s) => matchesFilters(s, filters, ctx.store.region));
    const { page, nextToken: next } = paginate(sorted(matching, input), maxResults, nextToken);
    const SecretList = page.map((s) => ({ ...metadataJson(s), SecretVersionsToStages: versionsToStages(s) }));
    return { SecretList, NextToken: next };
  },

  DescribeSecret(input, ctx) {
    const secret = ctx.store.resolve(requiredString(input, 'SecretId'));
    return { ...metadataJson(secret), VersionIdsToStages: versionsToStages(secret) };
  },

  PutSecretValue(input, ctx) {
    const secret = liveSecret(input, ctx);
    const text = optionalString(input, 'SecretString');
    const bytes = readBinary(input);
    if ((text === undefined) === (bytes === undefined)) {
      throw awsErrors.invalidParameter('You must provide either SecretString or SecretBinary, but not both.');
    }
    const stages = optionalStringList(input, 'VersionStages', 20) ?? [CURRENT];
    const versionId = versionIdOf(input) ?? randomUUID();
    let version = secret.versions.find((v) => v.versionId === versionId);
    if (version === undefined) {
      const now = new Date();
      version = addVersion(secret, { versionId, secretString: text, secretBinary: bytes }, stages, now);
      secret.lastChangedDate = now;
    } else if (!sameValue(version, text, bytes)) {
      throw new AwsError(
        'ResourceExistsException',
        "You can't modify an existing version, you can only create a new version.",
      );
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...version.stages] };
  },

  UpdateSecretVersionStage(input, ctx) {
    const secret = liveSecret(input, ctx);
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
  },
};

/** The operations the local endpoint implements, by `X-Amz-Target` action name. */
export const actions: ReadonlyMap<string, ActionHandler> = new Map(Object.entries(handlers));
