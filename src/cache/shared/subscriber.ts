import { SecretRefConfigError } from '../../errors.js';
import {
  type AnyClient,
  connectionOf,
  type Fn,
  isIoredis,
  type RedisConnection,
  type RedisSubscriber,
} from './client.js';
import { shardSubscriberOf } from './shard-subscriber.js';
import { sharedSubscriberOf } from './shared-subscription.js';

/** Pause between attempts to subscribe while Redis does not answer. */
const RETRY_MS = 1_000;

const STATE_EVENTS = { down: ['end', 'close', 'reconnecting', 'error'], up: ['ready'] } as const;

/**
 * The subscriber: `given` (the user's, left open on close), or the one subscription of the process over `client`
 * (a duplicate of it; on a cluster, a connection to the shard of the channel, see {@link shardSubscriberOf}),
 * shared by every tier over that client and closed when the last of them closes (see {@link sharedSubscriberOf}).
 * @example
 *   await subscriberOf(client, undefined, connection).listen(channel, onMessage, onState);
 */
export function subscriberOf(client: unknown, given: unknown, connection: RedisConnection): RedisSubscriber {
  if (connection.cluster) {
    if (given !== undefined) {
      throw new SecretRefConfigError(
        'subscriber',
        '`subscriber` is not used with a cluster client: the cache opens its own connection to the shard of its channel',
      );
    }
    return sharedSubscriberOf(client as AnyClient, () => shardSubscriberOf(client as AnyClient, connection));
  }
  if (given !== undefined && connectionOf(given, 'subscriber').cluster) {
    throw new SecretRefConfigError(
      'subscriber',
      '`subscriber` must be a single-server client, as `client` is',
    );
  }
  if (given !== undefined) return connectionSubscriber(given as AnyClient, false);
  return sharedSubscriberOf(client as AnyClient, () => connectionSubscriber(client as AnyClient, true));
}

/** Listening on `source` itself (the user's subscriber), or, when `owned`, on a duplicate of it that it closes. */
function connectionSubscriber(source: AnyClient, owned: boolean): RedisSubscriber {
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
      let up: boolean | undefined;
      const state = (now: boolean) => (): void => {
        if (up === undefined || up === now) return;
        up = now;
        onState(now);
      };
      for (const event of STATE_EVENTS.down) listeners.push([event, state(false)]);
      for (const event of STATE_EVENTS.up) listeners.push([event, state(true)]);
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
          up = true;
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
