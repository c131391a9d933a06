import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AwsError, awsErrors } from './aws-error.js';
import { epochSeconds, partitionOf } from './store.js';
import type { SeedParameter } from './types.js';

/** The types of parameter Parameter Store keeps. */
export const PARAMETER_TYPES: readonly string[] = ['String', 'StringList', 'SecureString'];
/** Parameter Store keeps this many versions of a parameter. */
const MAX_VERSIONS = 100;
const MAX_LABELS_PER_VERSION = 10;
const NAME = /^[A-Za-z0-9_.\-/]{1,2048}$/;
const LABEL = /^[A-Za-z0-9_.-]{1,100}$/;

/** One version of a stored parameter; a SecureString's value is kept only as stand-in KMS ciphertext. */
interface ParameterVersion {
  version: number;
  /** The value (String, StringList) or the ciphertext, base64 (SecureString). */
  stored: string;
  labels: string[];
  modified: Date;
}

/** A stored parameter. */
interface StoredParameter {
  name: string;
  arn: string;
  type: NonNullable<SeedParameter['type']>;
  versions: ParameterVersion[];
  /** Decryption with the stand-in KMS key fails (`KMS.KMSInvalidStateException`). */
  kmsFailure: boolean;
}

const ssmErrors = {
  notFound: () => new AwsError('ParameterNotFound', 'Parameter not found.'),
  versionNotFound: (what: string) =>
    new AwsError(
      'ParameterVersionNotFound',
      `Systems Manager could not find version ${what} of the parameter.`,
    ),
  alreadyExists: () =>
    new AwsError(
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    ),
  labelLimit: () =>
    new AwsError(
      'ParameterVersionLabelLimitExceeded',
      'A parameter version can have a maximum of ten labels.',
    ),
  versionLimit: () =>
    new AwsError(
      'ParameterMaxVersionLimitExceeded',
      'The parameter has reached its limit of 100 versions and the oldest one has a label.',
    ),
  kms: () =>
    new AwsError(
      'InvalidKeyId',
      'The query key ID is not valid: the stand-in KMS key is disabled for this parameter.',
    ),
};

/** In-memory parameters of one account and region, with Parameter Store's version, label and selector rules. */
export class ParameterStore {
  readonly #parameters = new Map<string, StoredParameter>();
  // The stand-in KMS: one AES-256-GCM key per endpoint, so ciphertext is real ciphertext.
  readonly #kmsKey = randomBytes(32);
  readonly #arnPrefix: string;

  constructor(region: string, accountId: string) {
    this.#arnPrefix = `arn:${partitionOf(region)}:ssm:${region}:${accountId}:parameter`;
  }

  #encrypt(value: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#kmsKey, iv);
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from('AQICAH', 'latin1'), iv, cipher.getAuthTag(), body]).toString('base64');
  }

  #decrypt(stored: string): string {
    const raw = Buffer.from(stored, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#kmsKey, raw.subarray(6, 18));
    decipher.setAuthTag(raw.subarray(18, 34));
    return Buffer.concat([decipher.update(raw.subarray(34)), decipher.final()]).toString('utf8');
  }

  /** The ARN of a parameter name (a hierarchy's leading `/` is not doubled). */
  arnOf(name: string): string {
    return `${this.#arnPrefix}${name.startsWith('/') ? '' : '/'}${name}`;
  }

  /** Every parameter, in creation order. */
  all(): StoredParameter[] {
    return [...this.#parameters.values()];
  }

  /**
   * Creates a parameter or adds a version (`overwrite`), as PutParameter does; returns the new version number.
   * @throws AwsError `ParameterAlreadyExists`, `ValidationException`, `ParameterMaxVersionLimitExceeded`.
   */
  put(seed: SeedParameter, overwrite = true): number {
    if (typeof seed.name !== 'string' || !NAME.test(seed.name)) {
      throw awsErrors.validation(
        'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive) and must hold only a-zA-Z0-9_.-/',
      );
    }
    if (typeof seed.value !== 'string' || seed.value === '') {
      throw awsErrors.validation(
        "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    }
    const existing = this.#parameters.get(seed.name);
    const type = seed.type ?? existing?.type ?? 'String';
    if (!PARAMETER_TYPES.includes(type))
      throw awsErrors.validation(`Type ${String(type)} is not one of ${PARAMETER_TYPES.join(', ')}`);
    if (existing !== undefined && !overwrite) throw ssmErrors.alreadyExists();
    const parameter: StoredParameter = existing ?? {
      name: seed.name,
      arn: this.arnOf(seed.name),
      type,
      versions: [],
      kmsFailure: false,
    };
    if (seed.kmsFailure !== undefined) parameter.kmsFailure = seed.kmsFailure;
    if (parameter.versions.length >= MAX_VERSIONS) {
      const oldest = parameter.versions[0]!;
      if (oldest.labels.length > 0) throw ssmErrors.versionLimit();
      parameter.versions.shift();
    }
    parameter.type = type;
    const version = (parameter.versions.at(-1)?.version ?? 0) + 1;
    const stored = type === 'SecureString' ? this.#encrypt(seed.value) : seed.value;
    parameter.versions.push({ version, stored, labels: [], modified: new Date() });
    this.#parameters.set(seed.name, parameter);
    if (seed.labels !== undefined) this.label(seed.name, version, seed.labels);
    return version;
  }

  /**
   * Moves labels to a version (the latest when none is given); returns the labels refused.
   * @throws AwsError `ParameterNotFound`, `ParameterVersionNotFound`, `ParameterVersionLabelLimitExceeded`.
   */
  label(
    name: string,
    version: number | undefined,
    labels: readonly string[],
  ): { invalid: string[]; version: number } {
    const parameter = this.#byName(name);
    const target =
      version === undefined
        ? parameter.versions.at(-1)!
        : parameter.versions.find((v) => v.version === version);
    if (target === undefined) throw ssmErrors.versionNotFound(String(version));
    const invalid = labels.filter((l) => !LABEL.test(l) || /^\d/.test(l) || /^(aws|ssm)/i.test(l));
    const valid = labels.filter((l) => !invalid.includes(l));
    if (new Set([...target.labels, ...valid]).size > MAX_LABELS_PER_VERSION) throw ssmErrors.labelLimit();
    for (const label of valid) {
      for (const other of parameter.versions) other.labels = other.labels.filter((l) => l !== label);
      target.labels.push(label);
    }
    return { invalid, version: target.version };
  }

  delete(name: string): void {
    if (!this.#parameters.delete(this.#nameOf(name))) throw ssmErrors.notFound();
  }

  #nameOf(nameOrArn: string): string {
    if (nameOrArn.startsWith(`${this.#arnPrefix}/`)) {
      const rest = nameOrArn.slice(this.#arnPrefix.length + 1);
      // `parameter/app/x` names `/app/x`; `parameter/x` names `x`.
      return this.#parameters.has(`/${rest}`) ? `/${rest}` : rest;
    }
    return nameOrArn;
  }

  #byName(nameOrArn: string): StoredParameter {
    const parameter = this.#parameters.get(this.#nameOf(nameOrArn));
    if (parameter === undefined) throw ssmErrors.notFound();
    return parameter;
  }

  /**
   * The `Parameter` shape GetParameter answers for a name with an optional selector (`name`, `name:3`,
   * `name:label`); `decrypt` reads a SecureString in clear.
   * @throws AwsError `ParameterNotFound`, `ParameterVersionNotFound`, `ValidationException`, `InvalidKeyId`.
   */
  get(requested: string, decrypt: boolean): Record<string, unknown> {
    const colon = requested.startsWith('arn:')
      ? requested.indexOf(':', requested.indexOf(':parameter/') + 1)
      : requested.indexOf(':');
    const parameter = this.#byName(colon === -1 ? requested : requested.slice(0, colon));
    const selector = colon === -1 ? undefined : requested.slice(colon + 1);
    if (selector === '') throw awsErrors.validation('Parameter selector is empty');
    const version =
      selector === undefined
        ? parameter.versions.at(-1)!
        : /^\d+$/.test(selector)
          ? parameter.versions.find((v) => v.version === Number(selector))
          : parameter.versions.find((v) => v.labels.includes(selector));
    if (version === undefined) throw ssmErrors.versionNotFound(String(selector));
    let value = version.stored;
    if (parameter.type === 'SecureString' && decrypt) {
      if (parameter.kmsFailure) throw ssmErrors.kms();
      value = this.#decrypt(version.stored);
    }
    return {
      Name: requested.startsWith('arn:') ? parameter.arn : parameter.name,
      Type: parameter.type,
      Value: value,
      Version: version.version,
      LastModifiedDate: epochSeconds(version.modified),
      ARN: parameter.arn,
      DataType: 'text',
      Selector: selector === undefined ? undefined : `:${selector}`,
    };
  }
}
