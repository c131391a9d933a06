import { SecretRefConfigError } from '../errors.js';
import { within } from '../timeout.js';
import {
  type AnyClient,
  connectionOf,
  type Fn,
  isIoredis,
  type RedisConnection,
  type RedisSubscriber,
} from './client.js';

/** Pause between attempts to subscribe while Redis (or every node of the channel's shard) does not answer. */
const RETRY_MS = 500;
/** The longest one attempt to reach a node may take (a node that is gone, not refused). */
const CONNECT_MS = 2_000;

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());

/** What a client hands a channel's messages to: ioredis emits `(channel, message)`, node-redis calls `(message)`. */
function channelListener(ioredis: boolean, channel: string, onMessage: (message: string) => void): Fn {
  return ioredis
    ? (from, message) => {
        if (from === channel && typeof message === 'string') onMessage(message);
      }
    : (message) => {
        if (typeof message === 'string') onMessage(message);
      };
}

/**
 * The subscriber: `given` (the user's, left open on close), or the one subscription of the process over `client`,
 * on a connection of its own (see {@link ownSubscriber}), shared by every tier over that client and closed when the
 * last of them closes (see {@link sharedSubscriberOf}).
 * @example
 *   await subscriberOf(client, undefined, connection).listen(channel, onMessage, onState);
 */
export function subscriberOf(client: unknown, given: unknown, connection: RedisConnection): RedisSubscriber {
  if (given !== undefined) {
    if (connection.cluster) {
      throw new SecretRefConfigError(
        'subscriber',
        '`subscriber` is not used with a cluster client: the cache opens its own connection to the shard of its channel',
      );
    }
    if (connectionOf(given, 'subscriber').cluster) {
      throw new SecretRefConfigError(
        'subscriber',
        '`subscriber` must be a single-server client, as `client` is',
      );
    }
    return givenSubscriber(given as AnyClient);
  }
  return sharedSubscriberOf(client as AnyClient, () => ownSubscriber(client as AnyClient, connection));
}

/** One tier listening through a shared subscription. */
interface Member {
  readonly onMessage: (message: string) => void;
  readonly onState: (up: boolean) => void;
  /** Settles the tier's `listen` once the subscription is up (set until then). */
  joined?: { resolve(): void; reject(error: Error): void };
}

/** The one subscription of a process to a channel over one client, and the tiers that listen through it. */
interface Hub {
  readonly members: Set<Member>;
  readonly subscription: RedisSubscriber;
  up: boolean;
}

/** Per user client, per channel: a process opens one subscriber connection per channel, not one per tier. */
const hubs = new WeakMap<object, Map<string, Hub>>();

function openHub(byChannel: Map<string, Hub>, channel: string, open: () => RedisSubscriber): Hub {
  const hub: Hub = { members: new Set(), subscription: open(), up: false };
  byChannel.set(channel, hub);
  const joinAll = (): void => {
    for (const member of hub.members) {
      member.joined?.resolve();
      member.joined = undefined;
    }
  };
  hub.subscription
    .listen(
      channel,
      (message) => {
        // Each message once per process, to every tier in turn.
        for (const member of hub.members) member.onMessage(message);
      },
      (up) => {
        hub.up = up;
        for (const member of hub.members) if (!member.joined) member.onState(up);
        // A tier that joined while the subscription was down listens from now on.
        if (up) joinAll();
      },
    )
    .then(
      () => {
        hub.up = true;
        joinAll();
      },
      () => {
        // Rejected only when closed, after the last tier left: nobody is waiting.
      },
    );
  return hub;
}

/**
 * A tier's subscriber that shares, with every tier over the same `client`, one subscription per channel: the first
 * tier opens it (`open`: the connection the tier would have opened alone), later ones add their listener, every
 * message and every change between up and down goes to each of them, and the last to close closes it.
 * @example
 *   const subscriber = sharedSubscriberOf(client, () => ownSubscriber(client, connection));
 */
function sharedSubscriberOf(client: object, open: () => RedisSubscriber): RedisSubscriber {
  let joined: { hub: Hub; member: Member; channel: string } | undefined;
  return {
    listen(channel, onMessage, onState) {
      return new Promise<void>((resolve, reject) => {
        let byChannel = hubs.get(client);
        if (!byChannel) {
          byChannel = new Map();
          hubs.set(client, byChannel);
        }
        const hub = byChannel.get(channel) ?? openHub(byChannel, channel, open);
        const member: Member = { onMessage, onState };
        hub.members.add(member);
        joined = { hub, member, channel };
        if (hub.up) resolve();
        else member.joined = { resolve, reject };
      });
    },
    async close() {
      const current = joined;
      joined = undefined;
      if (!current) return;
      const { hub, member, channel } = current;
      hub.members.delete(member);
      member.joined?.reject(new Error('closed'));
      if (hub.members.size > 0) return;
      // The last tier: the next one over this client opens a subscription of its own.
      const byChannel = hubs.get(client);
      if (byChannel?.get(channel) === hub) byChannel.delete(channel);
      await hub.subscription.close();
    },
  };
}

/** Listening on the user's own subscriber connection, which reconnects by itself and is left open on close. */
/** How long `close` waits for a subscriber you gave to confirm it left the channel: a paused Redis never does. */
const UNSUBSCRIBE_WAIT_MS = 1_000;

function givenSubscriber(sub: AnyClient): RedisSubscriber {
  const ioredis = isIoredis(sub);
  let closed = false;
  let channelName: string | undefined;
  let onChannel: Fn | undefined;
  const listeners: [string, Fn][] = [];
  return {
    async listen(channel, onMessage, onState) {
      channelName = channel;
      onChannel = channelListener(ioredis, channel, onMessage);
      let up: boolean | undefined;
      const state = (now: boolean) => (): void => {
        if (up === undefined || up === now) return;
        up = now;
        onState(now);
      };
      const down = state(false);
      for (const event of ['end', 'close', 'reconnecting', 'error']) listeners.push([event, down]);
      listeners.push(['ready', state(true)]);
      for (const [event, listener] of listeners) sub.on(event, listener);
      if (ioredis) sub.on('message', onChannel);
      // Retried until it works or the tier closes: a Redis that is down at start (ioredis gives up on a command
      // after its retries; node-redis waits) must not leave the process deaf once Redis is back.
      while (!closed) {
        try {
          await (sub.subscribe as Fn).call(sub, channel, ...(ioredis ? [] : [onChannel]));
          if (closed) break;
          up = true;
          return;
        } catch {
          await pause();
        }
      }
      throw new Error('closed');
    },
    async close() {
      if (closed || channelName === undefined) return;
      closed = true;
      for (const [event, listener] of listeners) sub.off?.(event, listener);
      if (ioredis) sub.off?.('message', onChannel!);
      try {
        const left = (sub.unsubscribe as Fn).call(sub, channelName, ...(ioredis ? [] : [onChannel]));
        await within(Promise.resolve(left), UNSUBSCRIBE_WAIT_MS, new Error('unsubscribe unanswered'));
      } catch {
        // Its connection is down, or Redis does not answer (paused): nothing more to wait for; the client leaves
        // the channel when it can.
      }
    },
  };
}

interface Address {
  host: string;
  port: number;
}

/** One subscribed connection: `lost` resolves (with where the slot went, after a migration) when it stops. */
interface Subscription {
  lost: Promise<Address | undefined>;
  stop(): void;
}

const movedTo = (text: unknown): Address | undefined => {
  const match = /^MOVED \d+ (.+):(\d+)$/.exec(String(text).trim());
  return match ? { host: match[1]!, port: Number(match[2]) } : undefined;
};

/** Where the user's cluster client says the slot lives: its primary first, then its replicas. */
function addressesOf(cluster: AnyClient, ioredis: boolean, slot: number): Address[] {
  if (ioredis) {
    const keys = (cluster.slots as (string[] | undefined)[] | undefined)?.[slot] ?? [];
    return keys.map((key) => {
      const at = key.lastIndexOf(':');
      return { host: key.slice(0, at), port: Number(key.slice(at + 1)) };
    });
  }
  const shard = (cluster.slots as ({ master: Address; replicas?: Address[] } | undefined)[] | undefined)?.[
    slot
  ];
  return shard ? [shard.master, ...(shard.replicas ?? [])] : [];
}

/**
 * A connection with the options of the user's client (credentials, TLS), made from it or, on a cluster, from one
 * of its node clients, to `address` (on a cluster) or the client's own server; it does not reconnect (the
 * subscriber decides where to go next).
 */
function connectionTo(
  client: AnyClient,
  connection: RedisConnection,
  address: Address | undefined,
): AnyClient {
  const ioredis = connection.flavour === 'ioredis';
  let base: AnyClient | undefined = client;
  if (connection.cluster) {
    base = ioredis
      ? ((client.nodes as Fn).call(client, 'all') as AnyClient[])[0]
      : [...((client.masters as { client?: AnyClient }[] | undefined) ?? [])].find((node) => node.client)
          ?.client;
  }
  if (!base) throw new Error('the cluster client knows no node yet');
  if (ioredis) {
    return (base.duplicate as Fn).call(base, {
      ...address,
      lazyConnect: true,
      retryStrategy: null,
      readOnly: false,
      connectTimeout: CONNECT_MS,
    }) as AnyClient;
  }
  const socket = (base.options as { socket?: object } | undefined)?.socket ?? {};
  return (base.duplicate as Fn).call(base, {
    readonly: false,
    socket: { ...socket, ...address, connectTimeout: CONNECT_MS, reconnectStrategy: false },
  }) as AnyClient;
}

async function subscribeAt(
  client: AnyClient,
  connection: RedisConnection,
  address: Address | undefined,
  channel: string,
  onMessage: (message: string) => void,
): Promise<Subscription> {
  const ioredis = connection.flavour === 'ioredis';
  const sub = connectionTo(client, connection, address);
  let settle: (to: Address | undefined) => void = () => {};
  const lost = new Promise<Address | undefined>((resolve) => {
    settle = resolve;
  });
  let stopped = false;
  const stop = (): void => {
    // Once: ending the connection makes it emit `end` and `error` again, which would call this again, and again.
    if (stopped) return;
    stopped = true;
    settle(undefined);
    try {
      (((ioredis ? sub.disconnect : sub.destroy) ?? sub.disconnect) as Fn).call(sub);
    } catch {
      // already closed
    }
  };
  // An `error` event without a listener would end the process; every one of them means this connection is done.
  for (const event of ['error', 'end', 'close', 'moved', 'sharded-channel-moved']) sub.on(event, stop);
  const onChannel = channelListener(ioredis, channel, onMessage);
  // A cluster's channel is a shard channel (SSUBSCRIBE), in the namespace's slot; one server's a plain one.
  if (ioredis) sub.on(connection.cluster ? 'smessage' : 'message', onChannel);
  const subscribe = connection.cluster ? (ioredis ? 'ssubscribe' : 'sSubscribe') : 'subscribe';
  try {
    await (sub.connect as Fn).call(sub);
    await (sub[subscribe] as Fn).call(sub, channel, ...(ioredis ? [] : [onChannel]));
  } catch (error) {
    stop();
    throw error;
  }
  return { lost, stop };
}

/**
 * The subscriber on a connection of its own, made from the user's client: to its server, or on a Redis Cluster to a
 * node of the shard that serves the channel's slot (the primary, else a replica: a replica delivers its shard's
 * messages too, and keeps doing so when it is promoted), listening with SSUBSCRIBE. The user's cluster client says
 * where the shard is; a MOVED answer, or the server unsubscribing it when the slot migrates, sends it where the slot
 * went. The connection does not reconnect by itself: every loss is reported before the next subscription, so the
 * tier drops what it may have missed.
 */
function ownSubscriber(client: AnyClient, connection: RedisConnection): RedisSubscriber {
  let closed = false;
  let current: Subscription | undefined;

  return {
    listen(channel, onMessage, onState) {
      return new Promise<void>((resolve, reject) => {
        let first = true;
        let slot: number | undefined;
        let next: Address | undefined;
        let attempt = 0;
        let redirected = 0;
        const loop = async (): Promise<void> => {
          while (!closed) {
            try {
              let address: Address | undefined;
              if (connection.cluster) {
                slot ??= Number(await connection.command(['CLUSTER', 'KEYSLOT', channel], channel));
                const candidates = next
                  ? [next]
                  : addressesOf(client, connection.flavour === 'ioredis', slot);
                next = undefined;
                address = candidates[attempt++ % Math.max(1, candidates.length)];
                if (!address) throw new Error('the cluster client knows no node for the slot yet');
              }
              const subscription = await subscribeAt(client, connection, address, channel, onMessage);
              if (closed) {
                subscription.stop();
                break;
              }
              current = subscription;
              attempt = 0;
              redirected = 0;
              if (first) {
                first = false;
                resolve();
              } else onState(true);
              next = await subscription.lost;
              current = undefined;
              if (closed) break;
              onState(false);
              if (!next) await pause();
            } catch (error) {
              // Not trusted: a server or node that is down, a slot that moved (MOVED names where), a topology not
              // known yet.
              next = movedTo((error as { message?: unknown } | null)?.message);
              // One redirection is followed at once; while a slot migrates, its two nodes send each other's address
              // back and forth, and that is waited out rather than spun on.
              if (!next || redirected++ > 0) await pause();
            }
          }
          if (first) reject(new Error('closed'));
        };
        void loop();
      });
    },
    async close() {
      closed = true;
      current?.stop();
      current = undefined;
    },
  };
}
