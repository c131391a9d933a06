import { createHash, randomUUID } from 'node:crypto';
import { SecretFetchError, SecretRefConfigError } from '../errors.js';
import { CURRENT_STAGE, extendsBySuffix, stageAskedFor } from '../ref/secret-names.js';
import type { FetchResult, SecretLocator, SecretPayload } from '../types.js';

/**
 * One version of an in-memory secret.
 * @example
 *   const version: MemorySecretVersion = { value: 'old', stages: ['AWSPREVIOUS'] };
 */
export interface MemorySecretVersion {
  value: string | Uint8Array;
  /** @default a random UUID */
  versionId?: string;
  /** Staging labels; the last version is `AWSCURRENT` when no version lists it. */
  stages?: readonly string[];
}

/**
 * An in-memory secret with several versions and metadata.
 * @example
 *   const db: MemorySecret = { versions: [{ value: 'old', stages: ['AWSPREVIOUS'] }, { value: 'new' }] };
 */
export interface MemorySecret {
  versions: readonly MemorySecretVersion[];
  description?: string;
  tags?: Record<string, string>;
}

/**
 * What each secret of {@link createMemoryProvider} may be: a string, bytes, or versions.
 * @example
 *   const secrets: Record<string, MemorySecretInput> = { db: '{"password":"s3cret"}', cert: new Uint8Array([1]) };
 */
export type MemorySecretInput = string | Uint8Array | MemorySecret;

interface StoredVersion {
  value: string | Uint8Array;
  versionId: string;
  stages: string[];
}

/** A secret as the memory provider holds it: its own copies of the values. */
export interface StoredSecret {
  name: string;
  arn: string;
  versions: StoredVersion[];
  description?: string;
  tags?: Record<string, string>;
}

/** Checks and copies one secret given to the memory provider, as it will hold it in `region`. */
export function storeSecret(name: string, input: MemorySecretInput, region: string): StoredSecret {
  const valid =
    typeof input === 'string' ||
    input instanceof Uint8Array ||
    (typeof input === 'object' && input !== null && Array.isArray(input.versions));
  if (!valid) {
    throw new SecretRefConfigError(
      `secrets.${name}`,
      `\`secrets.${name}\` must be a string, a Uint8Array or an object with \`versions\``,
    );
  }
  // AWS's 6-character suffix, the same for a name in every process.
  const suffix = createHash('sha256').update(name).digest('hex').slice(0, 6);
  const arn = `arn:aws:secretsmanager:${region}:000000000000:secret:${name}-${suffix}`;
  const versions: StoredVersion[] =
    typeof input === 'string' || input instanceof Uint8Array
      ? [{ value: copy(input), versionId: randomUUID(), stages: [CURRENT_STAGE] }]
      : input.versions.map((version) => ({
          value: copy(version.value),
          versionId: version.versionId ?? randomUUID(),
          stages: [...(version.stages ?? [])],
        }));
  if (versions.length === 0) {
    throw new SecretRefConfigError(`secrets.${name}`, `\`secrets.${name}\` must have at least one version`);
  }
  if (!versions.some((version) => version.stages.includes(CURRENT_STAGE)))
    versions.at(-1)?.stages.push(CURRENT_STAGE);
  const secret: StoredSecret = { name, arn, versions };
  if (typeof input === 'object' && !(input instanceof Uint8Array)) {
    if (input.description !== undefined) secret.description = input.description;
    if (input.tags !== undefined) secret.tags = { ...input.tags };
  }
  return secret;
}

function copy<T extends string | Uint8Array>(value: T): T {
  return (typeof value === 'string' ? value : value.slice()) as T;
}

function notFound(locator: SecretLocator, detail: string): SecretFetchError {
  return new SecretFetchError('secret_not_found', `Secret ${JSON.stringify(locator.secretId)} ${detail}`, {
    ref: locator.secretId,
  });
}

/**
 * The version `locator` names, as a provider answers it: found by name or ARN (with or without its suffix), by
 * version id or stage (`AWSCURRENT` when it names neither).
 */
export function findSecret(secrets: ReadonlyMap<string, StoredSecret>, locator: SecretLocator): FetchResult {
  const secret =
    secrets.get(locator.secretId) ??
    [...secrets.values()].find(
      (candidate) => candidate.arn === locator.secretId || extendsBySuffix(candidate.arn, locator.secretId),
    );
  if (!secret) return { ok: false, error: notFound(locator, 'was not found') };
  const { versionId } = locator;
  const stage = stageAskedFor(locator);
  const version = secret.versions.find(
    (candidate) =>
      (versionId === undefined || candidate.versionId === versionId) &&
      (stage === undefined || candidate.stages.includes(stage)),
  );
  if (!version) return { ok: false, error: notFound(locator, 'has no such version or stage') };
  const payload: SecretPayload = {
    arn: secret.arn,
    name: secret.name,
    versionId: version.versionId,
    versionStages: [...version.stages],
  };
  if (typeof version.value === 'string') payload.secretString = version.value;
  else payload.secretBinary = version.value.slice();
  return { ok: true, payload };
}
