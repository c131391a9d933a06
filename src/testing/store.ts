import { randomInt, randomUUID } from 'node:crypto';
import { awsErrors } from './aws-error.js';
import type { SeedSecret } from './types.js';

/** One version of a stored secret: its id, staging labels and value. */
export interface StoredVersion {
  versionId: string;
  stages: string[];
  secretString?: string;
  secretBinary?: Uint8Array;
  createdDate: Date;
}

/** A stored secret with its metadata and every version. */
export interface StoredSecret {
  name: string;
  arn: string;
  description?: string;
  tags: Record<string, string>;
  versions: StoredVersion[];
  kmsFailure: boolean;
  deletedDate?: Date;
  createdDate: Date;
  lastChangedDate: Date;
}

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The AWS partition a region belongs to, for ARNs. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 6; i++) out += SUFFIX_CHARS[randomInt(SUFFIX_CHARS.length)];
  return out;
}

function moveStage(secret: StoredSecret, stage: string, to: StoredVersion): void {
  for (const version of secret.versions) {
    if (version !== to) version.stages = version.stages.filter((s) => s !== stage);
  }
  if (!to.stages.includes(stage)) to.stages.push(stage);
}

/** Moves `stage` to `to`; moving `AWSCURRENT` hands `AWSPREVIOUS` to the version it left, as Secrets Manager does. */
export function attachStage(secret: StoredSecret, stage: string, to: StoredVersion): void {
  const holder = secret.versions.find((v) => v.stages.includes(stage));
  moveStage(secret, stage, to);
  if (stage === 'AWSCURRENT' && holder !== undefined && holder !== to)
    moveStage(secret, 'AWSPREVIOUS', holder);
}

/** A new version, with no stage yet; its id is random unless given. */
function makeVersion(
  value: { versionId?: string; secretString?: string; secretBinary?: Uint8Array },
  now: Date,
): StoredVersion {
  const version: StoredVersion = { versionId: value.versionId ?? randomUUID(), stages: [], createdDate: now };
  if (value.secretString !== undefined) version.secretString = value.secretString;
  if (value.secretBinary !== undefined) version.secretBinary = Uint8Array.from(value.secretBinary);
  return version;
}

/** Adds a new version (see {@link makeVersion}) and attaches `stages` to it in turn, as {@link attachStage} does. */
export function addVersion(
  secret: StoredSecret,
  value: { versionId?: string; secretString?: string; secretBinary?: Uint8Array },
  stages: readonly string[],
  now: Date,
): StoredVersion {
  const version = makeVersion(value, now);
  secret.versions.push(version);
  for (const stage of stages) attachStage(secret, stage, version);
  return version;
}

/** In-memory secrets of one account and region, with AWS's id resolution and staging-label rules. */
export class SecretStore {
  readonly #secrets = new Map<string, StoredSecret>();

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  /** Every secret, in creation order (a deleted then re-created secret is new). */
  all(): StoredSecret[] {
    return [...this.#secrets.values()];
  }

  /** Creates a secret or adds versions to it; returns its ARN and the `AWSCURRENT` version id. */
  put(seed: SeedSecret): { arn: string; versionId: string } {
    if (typeof seed.name !== 'string' || seed.name === '')
      throw new TypeError('`name` must be a non-empty string');
    const now = new Date();
    let secret = this.#secrets.get(seed.name);
    if (secret === undefined) {
      const arn =
        `arn:${partitionOf(this.region)}:secretsmanager:${this.region}:${this.accountId}:secret:` +
        `${seed.name}-${randomSuffix()}`;
      secret = {
        name: seed.name,
        arn,
        tags: {},
        versions: [],
        kmsFailure: false,
        createdDate: now,
        lastChangedDate: now,
      };
      this.#secrets.set(seed.name, secret);
    }
    secret.lastChangedDate = now;
    if (seed.description !== undefined) secret.description = seed.description;
    if (seed.tags !== undefined) secret.tags = { ...secret.tags, ...seed.tags };
    if (seed.kmsFailure !== undefined) secret.kmsFailure = seed.kmsFailure;
    if (seed.deleted === true) secret.deletedDate = now;
    else if (seed.deleted === false) delete secret.deletedDate;

    let added: StoredVersion | undefined;
    if (seed.secretString !== undefined || seed.secretBinary !== undefined) {
      added = addVersion(secret, seed, ['AWSCURRENT'], now);
    }
    for (const extra of seed.versions ?? []) {
      const version = makeVersion(extra, now);
      const existing = secret.versions.findIndex((v) => v.versionId === version.versionId);
      if (existing >= 0) secret.versions.splice(existing, 1);
      secret.versions.push(version);
      for (const stage of extra.stages) moveStage(secret, stage, version);
    }
    const current = secret.versions.find((v) => v.stages.includes('AWSCURRENT')) ?? added;
    return { arn: secret.arn, versionId: current?.versionId ?? '' };
  }

  delete(name: string): void {
    this.#secrets.delete(name);
  }

  /** The secret `secretId` names: its name, its full ARN, or its ARN without the 6-character suffix. */
  find(secretId: string): StoredSecret | undefined {
    if (!secretId.startsWith('arn:')) return this.#secrets.get(secretId);
    for (const secret of this.#secrets.values()) {
      if (secret.arn === secretId || secret.arn.slice(0, -7) === secretId) return secret;
    }
    return undefined;
  }

  /** {@link find}, or `ResourceNotFoundException` as AWS answers when nothing matches. */
  resolve(secretId: string): StoredSecret {
    const secret = this.find(secretId);
    if (secret === undefined) throw awsErrors.notFound();
    return secret;
  }

  /**
   * The version `GetSecretValue` returns: by id, by stage (default `AWSCURRENT`), or both when they agree.
   * @throws AwsError as AWS does: deleted secret, unknown version, stage/id mismatch, KMS failure.
   */
  readVersion(secret: StoredSecret, versionId?: string, versionStage?: string): StoredVersion {
    if (secret.deletedDate !== undefined) throw awsErrors.deleted();
    let version: StoredVersion | undefined;
    if (versionId !== undefined) {
      version = versionById(secret, versionId);
      if (versionStage !== undefined && !version.stages.includes(versionStage))
        throw awsErrors.stageMismatch();
    } else {
      const stage = versionStage ?? 'AWSCURRENT';
      version = secret.versions.find((v) => v.stages.includes(stage));
      if (version === undefined) throw awsErrors.noVersion(`staging label: ${stage}`);
    }
    if (secret.kmsFailure) throw awsErrors.decryption();
    return version;
  }
}

/** The version with this id, or `ResourceNotFoundException` as AWS answers. */
export function versionById(secret: StoredSecret, versionId: string): StoredVersion {
  const version = secret.versions.find((v) => v.versionId === versionId);
  if (version === undefined) throw awsErrors.noVersion(`VersionId: ${versionId}`);
  return version;
}

/** Epoch seconds with milliseconds, as AWS JSON timestamps are written. */
export const epochSeconds = (date: Date): number => date.getTime() / 1000;
