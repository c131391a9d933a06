import { SecretRefConfigError } from '../errors.js';
import type { ClientAnswers } from './guard.js';
import type { TierScript } from './scripts.js';

/**
 * The few things the tier asks of a Redis client, the same for node-redis (≥ 5) and ioredis (≥ 5). Neither package
 * is imported: the user's own client object is driven through its public methods.
 */
export interface RedisConnection {
  readonly flavour: 'node-redis' | 'ioredis';
  /** True for a Redis Cluster client: commands are routed by key, the bus is a shard channel (SPUBLISH). */
  readonly cluster: boolean;
  /** True when the client can send a command now (not connecting, not closed). */
  ready(): boolean;
  /**
   * Sends one command; the reply as the client gives it (strings, numbers, arrays, null). On a cluster, `key` says
   * which slot's node gets it (any node when absent).
   */
  command(args: readonly string[], key?: string): Promise<unknown>;
  /** Scripts being loaded through this client (shared by every tier on it), by SHA and routing key. */
  readonly loads: Map<string, Promise<unknown>>;
  /** When this client last had an answer (shared by every tier on it; see `ClientAnswers` in guard.ts). */
  readonly answers: ClientAnswers;
}

/** A subscriber connection, listening on one channel. */
export interface RedisSubscriber {
  /**
   * Starts listening; `onMessage` gets each message, `onState` each change between up and down once `listen` has
   * resolved (before the first SUBSCRIBE answers, connection events say nothing about the subscription).
   */
  listen(
    channel: string,
    onMessage: (message: string) => void,
    onState: (up: boolean) => void,
  ): Promise<void>;
  /** Stops listening; closes the connection when the tier opened it. Never rejects. */
  close(): Promise<void>;
}

export type Fn = (...args: unknown[]) => unknown;
type Emitter = { on(event: string, listener: Fn): unknown; off?(event: string, listener: Fn): unknown };
export type AnyClient = Record<string, unknown> & Emitter;

export function isIoredis(client: AnyClient): boolean {
  return typeof client.call === 'function' && typeof client.status === 'string';
}

function isNodeRedis(client: AnyClient): boolean {
  return typeof client.sendCommand === 'function' && 'isReady' in client && 'isOpen' in client;
}

/** An ioredis `Cluster` (it says so) or a node-redis cluster (`createCluster`: it knows its masters). */
function isClusterClient(client: AnyClient): boolean {
  return client.isCluster === true || typeof client.getSlotMaster === 'function';
}

/** Per user client: the tiers of a process that share a client share its script loads and its answers. */
const sharedByClient = new WeakMap<
  object,
  { loads: Map<string, Promise<unknown>>; answers: ClientAnswers }
>();

/**
 * Wraps the user's client; throws a `SecretRefConfigError` naming `option` when it is neither kind.
 * @example
 *   const connection = connectionOf(await createClient({ url }).connect(), 'client');
 */
export function connectionOf(value: unknown, option: string): RedisConnection {
  const client = value as AnyClient;
  if (client !== null && typeof client === 'object' && typeof client.on === 'function') {
    const cluster = isClusterClient(client);
    let shared = sharedByClient.get(client);
    if (!shared) {
      shared = { loads: new Map(), answers: { at: 0 } };
      sharedByClient.set(client, shared);
    }
    if (isIoredis(client)) {
      // An ioredis Cluster routes by the keys it finds in the command itself (EVALSHA's numkeys included).
      return {
        ...shared,
        flavour: 'ioredis',
        cluster,
        ready: () => client.status === 'ready',
        command: ([name, ...args]) => (client.call as Fn).call(client, name, ...args) as Promise<unknown>,
      };
    }
    if (isNodeRedis(client)) {
      return {
        ...shared,
        flavour: 'node-redis',
        cluster,
        ready: () => client.isReady === true,
        command: cluster
          ? (args, key) => (client.sendCommand as Fn).call(client, key, false, [...args]) as Promise<unknown>
          : (args) => (client.sendCommand as Fn).call(client, [...args]) as Promise<unknown>,
      };
    }
  }
  throw new SecretRefConfigError(
    option,
    `\`${option}\` must be a connected node-redis (≥ 5) or ioredis (≥ 5) client, or a cluster client of either`,
  );
}

/**
 * Runs a script by its SHA, loading it with EVAL when the server answers NOSCRIPT (a restart, a flush, a node
 * that never ran it). `key` (in the namespace's slot) routes it on a cluster; the scripts read ARGV only.
 * @example
 *   const reply = await runScript(connection, READ, `${prefix}gen`, readArgs(args));
 */
export async function runScript(
  connection: RedisConnection,
  script: TierScript,
  key: string,
  args: readonly string[],
): Promise<unknown> {
  const lua = connection.cluster ? script.sharded : script.classic;
  const bySha = (): Promise<unknown> => connection.command(['EVALSHA', lua.sha, '1', key, ...args], key);
  try {
    return await bySha();
  } catch (error) {
    if (!String((error as { message?: unknown })?.message).startsWith('NOSCRIPT')) throw error;
  }
  // One call per client loads it (EVAL, routed as the call itself); the others wait for it and run by SHA again, or
  // a thousand tiers starting together would each make the server compile the script.
  const slot = `${lua.sha}|${key}`;
  const loading = connection.loads.get(slot);
  if (loading) {
    await loading.catch(() => {});
    return bySha();
  }
  const loaded = connection.command(['EVAL', lua.source, '1', key, ...args], key);
  connection.loads.set(slot, loaded);
  try {
    return await loaded;
  } finally {
    connection.loads.delete(slot);
  }
}
