import QuickLRU from 'quick-lru';
import { SecretFetchError } from '../../errors.js';
import { withAttemptDeadline } from './attempt-deadline.js';
import { isRegionOfPartition, type ResolvedAwsConfig } from './config.js';
import type { AwsCredentialsOption } from './credentials.js';
import { describeValue } from './describe-value.js';

/** SDK clients kept for the regions of full ARNs; quick-lru holds between this many and twice as many. */
export const MAX_REGION_CLIENTS = 16;

/** One region's client, as built (or still being built). */
interface Entry<C> {
  readonly client: Promise<C>;
  inFlight: number;
  /** Set by the first call through this client: a warm-up still running skips what is left. */
  used: boolean;
  /** Set once it left the cache: nothing new should start on it. */
  evicted: boolean;
}

/**
 * The one per-region client cache of the AWS services (Secrets Manager, Parameter Store). Region ids come from
 * references, that is from connection data, so clients live in a small LRU: an evicted client is destroyed once its
 * calls in flight have ended, and a client whose construction failed is forgotten, so the next call tries again.
 */
export function createRegionClients<C extends { destroy(): void }>(create: (region: string) => Promise<C>) {
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
    /** The client of `region` (`''` stands for "no region": an injected client's), built at first use. */
    get: (region: string): Readonly<Entry<C>> => get(region),
    /** Runs `call` with the client of `region`; an evicted client is destroyed only once its calls have ended. */
    async use<R>(region: string, call: (client: C) => Promise<R>): Promise<R> {
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
interface RegionClientOptions {
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

/** The HTTP handler shape `withAttemptDeadline` wraps. */
type Handler = Parameters<typeof withAttemptDeadline>[0];

/**
 * A client of one service for one region, with the configured retries, timeouts and credentials, and `endpoint`
 * (each service has its own option); its HTTP handler ends each attempt at `requestTimeoutMs` (`withAttemptDeadline`).
 */
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

/** Loads an SDK package at its first use; a failed import is not kept, so the next call tries again. */
export function lazySdk<T>(load: () => Promise<T>, message: string): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw new SecretFetchError('provider_error', message, { cause: error, transient: false });
    });
    return loading;
  };
}

/** The region an ARN from connection data names, refused unless it is a region of the ARN's partition. */
export function checkedArnRegion(what: string, id: string, partition: string, region: string): string {
  if (isRegionOfPartition(partition, region)) return region;
  throw new SecretFetchError(
    'invalid_reference',
    `${what} ${JSON.stringify(id)} names region ${describeValue(region)}, which is not a region of the AWS partition ${describeValue(partition)}`,
    { ref: id, transient: false },
  );
}
