import { SecretRefConfigError } from '../../errors.js';
import type { LuaScript } from './scripts.js';

/**
 * The few things the tier asks of a Redis client, the same for node-redis (≥ 5) and ioredis (≥ 5). Neither package
 * is imported: the user's own client object is driven through its public methods.
 */
export interface RedisConnection {
  readonly flavour: 'node-redis' | 'ioredis';
  /** True when the client can send a command now (not connecting, not closed). */
  ready(): boolean;
  /** Sends one command; the reply as the client gives it (strings, numbers, arrays, null). */
  command(args: readonly string[]): Promise<unknown>;
}

/** A subscriber connection, listening on one channel. */
export interface RedisSubscriber {
  /** Starts listening; `onMessage` gets each message, `onState` each change between up and down. */
  listen(
    channel: string,
    onMessage: (message: string) => void,
    onState: (up: boolean) => void,
  ): Promise<void>;
  /** Stops listening; closes the connection when the tier opened it. Never rejects. */
  close(): Promise<void>;
}

type Fn = (...args: unknown[]) => unknown;
type Emitter = { on(event: string, listener: Fn): unknown; off?(event: string, listener: Fn): unknown };
type AnyClient = Record<string, unknown> & Emitter;

function isIoredis(client: AnyClient): boolean {
  return typeof client.call === 'function' && typeof client.status === 'string';
}

function isNodeRedis(client: AnyClient): boolean {
  return typeof client.sendCommand === 'function' && 'isReady' in client && 'isOpen' in client;
}

/**
 * Wraps the user's client; throws a `SecretRefConfigError` naming `option` when it is neither kind.
 * @example
 *   const connection = connectionOf(await createClient({ url }).connect(), 'client');
 */
export function connectionOf(value: unknown, option: string): RedisConnection {
  const client = value as AnyClient;
  if (
    client !== null &&
    typeof client === 'object' &&
    (client.isCluster === true || 'getMasters' in client)
  ) {
    throw new SecretRefConfigError(
      option,
      `\`${option}\` is a Redis Cluster client: the shared tier needs a single Redis (a primary, with replicas if you like)`,
    );
  }
  if (client !== null && typeof client === 'object' && typeof client.on === 'function') {
    if (isIoredis(client)) {
      return {
        flavour: 'ioredis',
        ready: () => client.status === 'ready',
        command: ([name, ...args]) => (client.call as Fn).call(client, name, ...args) as Promise<unknown>,
      };
    }
    if (isNodeRedis(client)) {
      return {
        flavour: 'node-redis',
        ready: () => client.isReady === true,
        command: (args) => (client.sendCommand as Fn).call(client, [...args]) as Promise<unknown>,
      };
    }
  }
  throw new SecretRefConfigError(
    option,
    `\`${option}\` must be a connected node-redis (≥ 5) or ioredis (≥ 5) client`,
  );
}

/**
 * Runs a script by its SHA, loading it with EVAL when the server answers NOSCRIPT (a restart, a flush).
 * @example
 *   const reply = await runScript(connection, RELEASE, [leaseKey, token]);
 */
export async function runScript(
  connection: RedisConnection,
  lua: LuaScript,
  args: readonly string[],
): Promise<unknown> {
  try {
    return await connection.command(['EVALSHA', lua.sha, '0', ...args]);
  } catch (error) {
    if (!String((error as { message?: unknown })?.message).startsWith('NOSCRIPT')) throw error;
    return connection.command(['EVAL', lua.source, '0', ...args]);
  }
}

/** Pause between attempts to subscribe while Redis does not answer. */
const RETRY_MS = 1_000;

const STATE_EVENTS = { down: ['end', 'close', 'reconnecting', 'error'], up: ['ready'] } as const;

/**
 * The subscriber: `given` (the user's, left open on close) or a duplicate of `client` (the tier's, closed on close).
 * @example
 *   await subscriberOf(client, undefined).listen(channel, onMessage, onState);
 */
export function subscriberOf(client: unknown, given: unknown): RedisSubscriber {
  if (given !== undefined) connectionOf(given, 'subscriber');
  const owned = given === undefined;
  const source = (owned ? client : given) as AnyClient;
  const ioredis = isIoredis(source);
  let sub: AnyClient | undefined;
  let channelName: string | undefined;
  let messageListener: Fn | undefined;
  const listeners: [string, Fn][] = [];

  // Ends a connection the tier opened, whatever its state. node-redis's destroy() during the TCP connect finds no
  // socket to destroy and the connect completes afterwards, so `listen` ends it again once connect settles.
  const end = async (current: AnyClient): Promise<void> => {
    if (ioredis) (current.disconnect as Fn).call(current);
    else await ((current.destroy ?? current.disconnect) as Fn).call(current);
  };
  const closedWhile = async (current: AnyClient): Promise<boolean> => {
    if (sub === current) return false;
    if (owned) await Promise.resolve(end(current)).catch(() => undefined);
    return true;
  };

  return {
    async listen(channel, onMessage, onState) {
      const current = owned ? ((source.duplicate as Fn).call(source) as AnyClient) : source;
      sub = current;
      channelName = channel;
      for (const event of STATE_EVENTS.down) listeners.push([event, () => onState(false)]);
      for (const event of STATE_EVENTS.up) listeners.push([event, () => onState(true)]);
      for (const [event, listener] of listeners) current.on(event, listener);
      if (ioredis) {
        messageListener = (from: unknown, message: unknown) => {
          if (from === channel && typeof message === 'string') onMessage(message);
        };
        current.on('message', messageListener);
      } else {
        messageListener = (message: unknown) => {
          if (typeof message === 'string') onMessage(message);
        };
      }
      // Retried until it works or the tier closes: a Redis that is down at start (ioredis gives up on a command
      // after its retries; node-redis waits) must not leave the process deaf once Redis is back.
      for (;;) {
        if (await closedWhile(current)) throw new Error('closed');
        try {
          if (!ioredis && owned && current.isOpen !== true) await (current.connect as Fn).call(current);
          if (await closedWhile(current)) throw new Error('closed');
          await (current.subscribe as Fn).call(current, channel, ...(ioredis ? [] : [messageListener]));
          if (await closedWhile(current)) throw new Error('closed');
          return;
        } catch (error) {
          if (await closedWhile(current)) throw error;
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
        }
      }
    },
    async close() {
      const current = sub;
      sub = undefined;
      if (!current) return;
      try {
        if (ioredis && messageListener) current.off?.('message', messageListener);
        if (owned) await end(current);
        else if (ioredis) {
          await (current.unsubscribe as Fn).call(current, channelName);
        } else {
          await (current.unsubscribe as Fn).call(current, channelName, messageListener);
        }
      } catch {
        // Closing a connection that is already down: nothing left to release.
      } finally {
        for (const [event, listener] of listeners) current.off?.(event, listener);
        if (owned) current.on('error', () => {});
      }
    },
  };
}
