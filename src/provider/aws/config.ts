import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretRefConfigError } from '../../errors.js';
import { createEmitter, type Emit, type SecretEvent } from '../../events.js';
import { type AwsCredentialsOption, resolveCredentials } from './credentials.js';
import { describeValue } from './describe-value.js';

/**
 * How `createAwsProvider` reaches AWS Secrets Manager and Parameter Store: the transport half of
 * `AwsSecretsManagerConfig`, which adds the manager's `cache`.
 * @example
 *   const provider = createAwsProvider({ region: 'us-east-1', endpoint: 'http://localhost:4566' });
 */
export interface AwsProviderConfig {
  /**
   * AWS region such as `us-east-1`. Required unless `client` is given or `AWS_REGION` / `AWS_DEFAULT_REGION` is set.
   * @default process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION
   */
  region?: string;
  /** Access key id of static credentials (the Activepieces form); needs `secretAccessKey`. */
  accessKeyId?: string;
  /** Secret access key of static credentials; needs `accessKeyId`. */
  secretAccessKey?: string;
  /** Session token of temporary static credentials; needs `accessKeyId` and `secretAccessKey`. */
  sessionToken?: string;
  /**
   * A credential identity or a provider from `@aws-sdk/credential-providers`. Exclusive with static keys.
   * @default the SDK's default credential chain (when no static keys are given either)
   */
  credentials?: AwsCredentialsOption;
  /**
   * A ready `SecretsManagerClient`, used as is for every call. Exclusive with every transport option
   * (`region`, `endpoint`, credentials, `maxAttempts`, `requestTimeoutMs`): configure the client instead.
   */
  client?: SecretsManagerClient;
  /** Endpoint URL for LocalStack, a local test endpoint or a VPC endpoint (`http:` or `https:`). */
  endpoint?: string;
  /**
   * Parameter Store's endpoint URL, for `{{resolve:ssm:…}}` and `{{resolve:ssm-secure:…}}` references (`endpoint`
   * stays Secrets Manager's). Allowed with `client`.
   * @default the SDK's: `AWS_ENDPOINT_URL_SSM` when set, else AWS's endpoint for the region
   */
  ssmEndpoint?: string;
  /**
   * Attempts per call, first try included, made by the SDK's standard retry strategy.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Time allowed for one attempt: connecting, sending, and reading the whole answer, however slowly it arrives.
   * A call ends within about `maxAttempts × requestTimeoutMs` plus the retry backoff. Not applied to an injected
   * `client`, whose own handler settings decide.
   * @default 5_000
   */
  requestTimeoutMs?: number;
  /**
   * Told of each AWS call (`request`: the action, status, request id, attempts, duration), for metrics and logs;
   * never a value.
   * @default undefined
   */
  onEvent?: (event: SecretEvent) => void;
}

/** The default of {@link AwsProviderConfig.maxAttempts}. */
const DEFAULT_MAX_ATTEMPTS = 3;
/** The default of {@link AwsProviderConfig.requestTimeoutMs}. */
const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/** A validated configuration; static keys stay inside `credentials` and are never copied elsewhere. */
export interface ResolvedAwsConfig {
  /** The region of calls without a full ARN; undefined only with an injected client. */
  region: string | undefined;
  endpoint: string | undefined;
  credentials: AwsCredentialsOption | undefined;
  client: SecretsManagerClient | undefined;
  maxAttempts: number;
  requestTimeoutMs: number;
  /** Parameter Store's endpoint; undefined: the SDK's (`AWS_ENDPOINT_URL_SSM`, or AWS's). */
  ssmEndpoint?: string | undefined;
  /** Where `request` events go: `onEvent`, guarded; undefined without a handler. */
  emit?: Emit;
}

/**
 * The options accepted, for the message naming an unknown one. `cache` is `createAwsSecretsManager`'s, accepted and
 * unused here so that one configuration object serves both factories.
 */
const KNOWN_OPTIONS = new Set([
  'region',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'credentials',
  'client',
  'endpoint',
  'maxAttempts',
  'requestTimeoutMs',
  'ssmEndpoint',
  'cache',
  'onEvent',
]);

const TRANSPORT_OPTIONS = [
  'region',
  'endpoint',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'credentials',
  'maxAttempts',
  'requestTimeoutMs',
] as const;

/** The shape of an AWS region name such as `eu-west-1` or `us-gov-east-1`. */
const REGION_PATTERN = /^[a-z]{2,}(?:-[a-z]+)+-\d{1,2}$/;

/**
 * Checks every option at once and returns the transport settings; throws a `SecretRefConfigError` naming the
 * first bad option. Reads `AWS_REGION` / `AWS_DEFAULT_REGION` when `region` and `client` are both absent.
 */
export function resolveAwsConfig(config: AwsProviderConfig): ResolvedAwsConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new SecretRefConfigError(
      'config',
      '`config` must be an object of AWS options such as `{ region }`',
    );
  }
  const options = config as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    const spreadIdentityField =
      IDENTITY_FIELDS.has(key) &&
      (options.accessKeyId !== undefined || options.secretAccessKey !== undefined);
    if (!KNOWN_OPTIONS.has(key) && !spreadIdentityField) {
      throw new SecretRefConfigError(
        key,
        `\`${key}\` is not an AWS option (expected one of: ${[...KNOWN_OPTIONS].join(', ')})`,
      );
    }
  }
  const emit = createEmitter(options.onEvent);
  const events = emit === undefined ? {} : { emit };
  if (options.client !== undefined) return { ...resolveWithClient(options), ...events };

  const endpoint = resolveEndpoint(options.endpoint);
  const ssmEndpoint = resolveEndpoint(options.ssmEndpoint, 'ssmEndpoint');
  return {
    region: resolveRegion(options.region),
    endpoint,
    ...(ssmEndpoint === undefined ? {} : { ssmEndpoint }),
    credentials: resolveCredentials(options),
    client: undefined,
    maxAttempts: wholeNumber(options.maxAttempts, 'maxAttempts', DEFAULT_MAX_ATTEMPTS, 1, 20),
    requestTimeoutMs: wholeNumber(
      options.requestTimeoutMs,
      'requestTimeoutMs',
      DEFAULT_REQUEST_TIMEOUT_MS,
      1,
      600_000,
    ),
    ...events,
  };
}

function resolveWithClient(options: Record<string, unknown>): ResolvedAwsConfig {
  const client = options.client as { send?: unknown; config?: unknown } | null;
  if (client === null || typeof client !== 'object' || typeof client.send !== 'function') {
    throw new SecretRefConfigError('client', '`client` must be a SecretsManagerClient instance');
  }
  for (const option of TRANSPORT_OPTIONS) {
    if (options[option] !== undefined) {
      throw new SecretRefConfigError(
        option,
        `\`${option}\` cannot be combined with \`client\`: set it on the SecretsManagerClient you pass instead`,
      );
    }
  }
  return {
    region: undefined,
    endpoint: undefined,
    credentials: undefined,
    client: options.client as SecretsManagerClient,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    ...(options.ssmEndpoint === undefined
      ? {}
      : { ssmEndpoint: resolveEndpoint(options.ssmEndpoint, 'ssmEndpoint') }),
  };
}

/**
 * Fields of a credential identity that the SDK returns or decorates: `$source` (how the SDK obtained the
 * credentials, added to any identity it was given), `expiration`, `credentialScope`, `accountId`. Spreading such an
 * identity into the options (`{ region, ...credentials }`) brings them along; they are not options, so they are
 * accepted beside static keys and ignored (`checkIdentityFields` checks their types). Any other unknown key is
 * still refused.
 */
const IDENTITY_FIELDS: ReadonlySet<string> = new Set([
  '$source',
  'expiration',
  'credentialScope',
  'accountId',
]);

/** The region names of each AWS partition, as the SDK's partition table gives them (`regionRegex`). */
const PARTITION_REGIONS: Readonly<Record<string, RegExp>> = {
  aws: /^(?:us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d{1,2}$/,
  'aws-cn': /^cn-[a-z]+-\d{1,2}$/,
  'aws-us-gov': /^us-gov-[a-z]+-\d{1,2}$/,
  'aws-iso': /^us-iso-[a-z]+-\d{1,2}$/,
  'aws-iso-b': /^us-isob-[a-z]+-\d{1,2}$/,
  'aws-iso-e': /^eu-isoe-[a-z]+-\d{1,2}$/,
  'aws-iso-f': /^us-isof-[a-z]+-\d{1,2}$/,
  'aws-eusc': /^eusc-de-[a-z]+-\d{1,2}$/,
};

/**
 * Whether `region` is a region name of `partition` (`us-east-1` of `aws`, `cn-north-1` of `aws-cn`); the region of
 * an ARN read from connection data must pass before a client is made for it.
 */
export function isRegionOfPartition(partition: string, region: string): boolean {
  const pattern = Object.hasOwn(PARTITION_REGIONS, partition) ? PARTITION_REGIONS[partition] : undefined;
  return pattern !== undefined && REGION_PATTERN.test(region) && pattern.test(region);
}

function resolveRegion(value: unknown): string {
  if (value === undefined) {
    const fromEnv = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
    if (fromEnv === undefined) {
      throw new SecretRefConfigError(
        'region',
        '`region` is required: pass `region` (for example `us-east-1`), set AWS_REGION, or pass a `client`',
      );
    }
    if (!REGION_PATTERN.test(fromEnv)) {
      throw new SecretRefConfigError(
        'region',
        `\`region\` taken from the environment (${describeValue(fromEnv)}) is not an AWS region name such as \`us-east-1\``,
      );
    }
    return fromEnv;
  }
  if (typeof value !== 'string' || !REGION_PATTERN.test(value)) {
    throw new SecretRefConfigError(
      'region',
      `\`region\` must be an AWS region name such as \`us-east-1\` (got ${describeValue(value)})`,
    );
  }
  return value;
}

function resolveEndpoint(value: unknown, option = 'endpoint'): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new SecretRefConfigError(
      option,
      `\`${option}\` must be an http: or https: URL such as \`http://localhost:4566\``,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new SecretRefConfigError(
      option,
      `\`${option}\` must not hold a user name or password; pass credentials through their own options`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new SecretRefConfigError(option, `\`${option}\` must not have a query string or a fragment`);
  }
  return url.href.endsWith('/') ? url.href.slice(0, -1) : url.href;
}

function wholeNumber(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SecretRefConfigError(
      option,
      `\`${option}\` must be a whole number from ${min} to ${max} (got ${describeValue(value)})`,
    );
  }
  return value;
}
