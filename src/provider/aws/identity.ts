import { createHmac, randomBytes } from 'node:crypto';
import { SecretRefConfigError } from '../../errors.js';
import { within } from '../../timeout.js';
import { originOf } from './call-context.js';
import type { ResolvedAwsConfig } from './config.js';

/** Keys the digests of identities: chosen once per process, so a digest seen in a log cannot be tested offline. */
const DIGEST_KEY = randomBytes(32);

const objectIds = new WeakMap<object, number>();
let lastObjectId = 0;

function objectId(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) {
    lastObjectId += 1;
    id = lastObjectId;
    objectIds.set(value, id);
  }
  return id;
}

/**
 * The endpoint as an identity may show it: the origin, and when there is more (a path), `#` and a keyed digest
 * of the whole URL, so that two endpoints that differ only in their path still differ here, without the path.
 */
function endpointLabel(endpoint: string | undefined): string {
  if (endpoint === undefined) return '';
  const origin = originOf(endpoint) ?? '';
  if (endpoint === origin) return origin;
  const digest = createHmac('sha256', DIGEST_KEY).update(endpoint).digest('hex');
  return `${origin}#${digest.slice(0, 16)}`;
}

/**
 * The provider's `identity`: `aws|<region>|<endpoint>|<who>`. `<endpoint>` is the endpoint's origin, followed by
 * `#` and a keyed digest when the URL has a path (a path can hold a proxy token; the identity is shown by
 * `util.inspect(manager)` and `JSON.stringify(manager)`, and endpoints that differ only in their path must still
 * not share cache entries). `<who>` is `key:` and a keyed digest of the
 * whole static credentials (access key id, secret key and session token, so managers holding different keys never
 * share a cache entry, even under one access key id), `provider:<n>` for a credential provider, `client:<n>` for an injected client (each
 * object numbered once per process) or `default` for the SDK's default chain. Never holds a secret key or token.
 */
export function awsIdentity(config: ResolvedAwsConfig): string {
  // Parameter Store's endpoint changes what its references read: it is named, when set, after the rest.
  const ssm = config.ssmEndpoint === undefined ? '' : `|ssm=${endpointLabel(config.ssmEndpoint)}`;
  if (config.client !== undefined) return `aws|||client:${objectId(config.client)}${ssm}`;
  return `aws|${config.region ?? ''}|${endpointLabel(config.endpoint)}|${credentialIdentity(config.credentials)}${ssm}`;
}

function credentialIdentity(credentials: ResolvedAwsConfig['credentials']): string {
  if (credentials === undefined) return 'default';
  if (typeof credentials === 'function') return `provider:${objectId(credentials)}`;
  const digest = createHmac('sha256', DIGEST_KEY)
    .update(credentials.accessKeyId)
    .update('\0')
    .update(credentials.secretAccessKey)
    .update('\0')
    .update(credentials.sessionToken ?? '')
    .digest('hex');
  return `key:${digest.slice(0, 16)}`;
}

/** How long reading an injected client's region and endpoint may take before the client is not shared. */
const CLIENT_TARGET_TIMEOUT_MS = 5_000;

/**
 * The AWS provider's `sharedIdentity`: the scope its entries are shared under in the Redis tier, the same in every
 * process with the same trust. Static keys are compared through the tier's keyed `digest` (access key id, secret key
 * and session token together, so a wrong or revoked secret key under a known key id never reads what the right one
 * wrote); region and endpoint are part of it too. Credentials from a provider (default chain, profile, assume role)
 * and an injected client cannot be compared across processes: they are shared only under an explicit `scope`, which
 * then also names the sharing (several teams on one Redis stay apart). An explicit `scope` narrows static keys too.
 * An injected client's identity also holds what it will call — its resolved region and endpoint, read from its
 * config (asynchronously, hence a promise); when they cannot be read, the promise rejects and nothing is shared.
 */
export function awsSharedIdentity(
  config: ResolvedAwsConfig,
  digest: (text: string) => string,
  scope: string | undefined,
): string | undefined | Promise<string> {
  const named = scope === undefined ? '' : `|scope:${digest(`scope\0${scope}`)}`;
  // Parameter Store's endpoint, when set, is part of where values come from (unset: the identity stays as before).
  const ssm = config.ssmEndpoint === undefined ? '' : `|ssm:${digest(`ssmEndpoint\0${config.ssmEndpoint}`)}`;
  if (config.client !== undefined) {
    if (scope === undefined) return undefined;
    return clientTarget(config.client).then(
      ({ region, endpoint }) => `aws|client|${region}|${digest(`endpoint\0${endpoint}`)}${ssm}${named}`,
    );
  }
  const where = `aws|${config.region ?? ''}|${digest(`endpoint\0${config.endpoint ?? ''}`)}${ssm}`;
  const credentials = config.credentials;
  if (credentials === undefined || typeof credentials === 'function') {
    return scope === undefined
      ? undefined
      : `${where}|${credentials === undefined ? 'default' : 'provider'}${named}`;
  }
  const keys = digest(
    `keys\0${credentials.accessKeyId}\0${credentials.secretAccessKey}\0${credentials.sessionToken ?? ''}`,
  );
  return `${where}|key:${keys}${named}`;
}

/** Where an injected client sends its calls: its resolved region and endpoint URL. */
interface ClientTarget {
  region: string;
  endpoint: string;
}

const targets = new WeakMap<object, Promise<ClientTarget>>();

/**
 * Reads an injected client's region and endpoint the way the SDK does (each config value may be an async
 * function): a custom endpoint when there is one, else the URL its `endpointProvider` gives for the region with
 * its FIPS and dual-stack settings. Read once per client; rejects (a `SecretRefConfigError` naming `client`) when
 * the config has no usable region or endpoint, or does not answer within 5 s.
 */
function clientTarget(client: object): Promise<ClientTarget> {
  let target = targets.get(client);
  if (target === undefined) {
    target = within(readTarget(client), CLIENT_TARGET_TIMEOUT_MS, unreadable('did not answer within 5 s'));
    // Each caller that awaits it reads its failure: this only keeps it from being reported unhandled.
    target.catch(() => {});
    targets.set(client, target);
  }
  return target;
}

function unreadable(why: string): SecretRefConfigError {
  return new SecretRefConfigError(
    'client',
    `The injected client's region and endpoint could not be read (${why}); its secrets are not shared through Redis`,
  );
}

// The client's config is the user's object: every read of it may throw or return anything.
async function readTarget(client: object): Promise<ClientTarget> {
  let config: Record<string, unknown>;
  let region: unknown;
  try {
    config = (client as { config?: unknown }).config as Record<string, unknown>;
    if (config === null || typeof config !== 'object') throw unreadable('it has no `config`');
    region = await settingOf(config.region);
  } catch (error) {
    throw error instanceof SecretRefConfigError ? error : unreadable('its `region` failed');
  }
  if (typeof region !== 'string' || region === '') throw unreadable('it has no region');
  let endpoint: string | undefined;
  try {
    endpoint =
      urlOf(await settingOf(config.endpoint)) ?? urlOf(await settingOf(config.serviceConfiguredEndpoint));
    if (endpoint === undefined && typeof config.endpointProvider === 'function') {
      const params = {
        Region: region,
        UseFIPS: (await settingOf(config.useFipsEndpoint)) === true,
        UseDualStack: (await settingOf(config.useDualstackEndpoint)) === true,
      };
      endpoint = urlOf((config.endpointProvider as (params: object, context: object) => unknown)(params, {}));
    }
  } catch {
    throw unreadable('its endpoint failed');
  }
  if (endpoint === undefined) throw unreadable('it has no endpoint');
  return { region, endpoint };
}

async function settingOf(value: unknown): Promise<unknown> {
  return typeof value === 'function' ? await (value as () => unknown)() : value;
}

/** The URL of an endpoint as the SDK holds one: a string, a URL, `{ url }` (rules) or `{ protocol, hostname, … }`. */
function urlOf(endpoint: unknown): string | undefined {
  if (typeof endpoint === 'string') return endpoint === '' ? undefined : endpoint;
  if (endpoint instanceof URL) return endpoint.href;
  if (endpoint === null || typeof endpoint !== 'object') return undefined;
  const { url, protocol, hostname, port, path } = endpoint as Record<string, unknown>;
  if (url !== undefined) return urlOf(url);
  if (typeof hostname !== 'string' || hostname === '') return undefined;
  const portText = port === undefined || port === null ? '' : `:${String(port)}`;
  return `${typeof protocol === 'string' ? protocol : 'https:'}//${hostname}${portText}${typeof path === 'string' ? path : '/'}`;
}
