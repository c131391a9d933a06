import QuickLRU from 'quick-lru';
import { withAttemptDeadline } from './attempt-deadline.js';
import type { ResolvedAwsConfig } from './config.js';
import type { AwsCredentialsOption } from './credentials.js';

/** SDK clients kept for the regions of full ARNs; quick-lru holds between this many and twice as many. */
export const MAX_REGION_CLIENTS = 16;

/** One region's client, as built (or still being built). */
export interface RegionClient<C> {
  readonly client: Promise<C>;
  /** Set by the first call through this client: a warm-up still running skips what is left. */
  readonly used: boolean;
  /** Set once it left the cache: nothing new should start on it. */
  readonly evicted: boolean;
}

/** The SDK clients of one service, one per region, bounded (see {@link createRegionClients}). */
export interface RegionClients<C> {
  /** The client of `region` (`''` stands for "no region": an injected client's), built at first use. */
  get(region: string): RegionClient<C>;
  /** Runs `call` with the client of `region`; an evicted client is destroyed only once its calls have ended. */
  use<R>(region: string, call: (client: C) => Promise<R>): Promise<R>;
  /** Clients held now. */
  size(): number;
}

interface Entry<C> {
  client: Promise<C>;
  inFlight: number;
  evicted: boolean;
  used: boolean;
}

/**
 * The one per-region client cache of the AWS services (Secrets Manager, Parameter Store). Region ids come from
 * references, that is from connection data, so clients live in a small LRU: an evicted client is destroyed once its
 * calls in flight have ended, and a client whose construction failed is forgotten, so the next call tries again.
 * @example
 *   const clients = createRegionClients((region) => loadSdk().then((sdk) => new sdk.SSMClient({ region })));
 *   const answer = await clients.use('eu-west-1', (client) => client.send(command));
 */
export function createRegionClients<C extends { destroy(): void }>(
  create: (region: string) => Promise<C>,
): RegionClients<C> {
  const destroy = (entry: Entry<C>): void => {
    entry.client.then(
      (client) => client.destroy(),
      () => undefined,
    );
  };
  const clients = new QuickLRU<string, Entry<C>>({
    maxSize: MAX_REGION_CLIENTS,
    onEviction: (_region, entry) => {
      entry.evicted = true;
      if (entry.inFlight === 0) destroy(entry);
    },
  });

  const get = (region: string): Entry<C> => {
    let entry = clients.get(region);
    if (entry === undefined) {
      const created: Entry<C> = { client: create(region), inFlight: 0, evicted: false, used: false };
      created.client.catch(() => {
        if (clients.peek(region) === created) clients.delete(region);
      });
      clients.set(region, created);
      entry = created;
    }
    return entry;
  };

  return {
    get,
    async use(region, call) {
      const entry = get(region);
      entry.inFlight += 1;
      entry.used = true;
      try {
        return await call(await entry.client);
      } finally {
        entry.inFlight -= 1;
        if (entry.evicted && entry.inFlight === 0) destroy(entry);
      }
    },
    size: () => clients.size,
  };
}

/** What the library sets on every SDK client it builds, whatever the service. */
export interface RegionClientOptions {
  region: string | undefined;
  maxAttempts: number;
  retryMode: 'standard';
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    socketTimeout: number;
    throwOnRequestTimeout: true;
  };
  endpoint?: string;
  credentials?: AwsCredentialsOption;
}

/**
 * A client of one service for one region, with the configured retries, timeouts and credentials, and `endpoint`
 * (each service has its own option); its HTTP handler ends each attempt at `requestTimeoutMs` (`withAttemptDeadline`).
 * @example
 *   const client = buildRegionClient((options) => new sdk.SSMClient(options), config, 'eu-west-1', config.ssmEndpoint);
 */
/** The HTTP handler shape `withAttemptDeadline` wraps. */
type Handler = Parameters<typeof withAttemptDeadline>[0];

export function buildRegionClient<C extends { config: { requestHandler: Handler } }>(
  make: (options: RegionClientOptions) => C,
  config: ResolvedAwsConfig,
  region: string | undefined,
  endpoint: string | undefined,
): C {
  const client = make({
    region,
    maxAttempts: config.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: config.requestTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      socketTimeout: config.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
  });
  client.config.requestHandler = withAttemptDeadline(client.config.requestHandler, config.requestTimeoutMs);
  return client;
}
