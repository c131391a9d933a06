import type { AnyClient, Fn, RedisConnection, RedisSubscriber } from './client.js';

/** Pause between attempts to subscribe while no node of the shard answers. */
const RETRY_MS = 500;
/** The longest one attempt to reach a node may take (a node that is gone, not refused). */
const CONNECT_MS = 2_000;

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
 * A connection to `address` with the options of the user's cluster (credentials, TLS), made from one of its node
 * clients; it does not reconnect (the subscriber decides where to go next).
 */
function connectionTo(cluster: AnyClient, ioredis: boolean, address: Address): AnyClient {
  if (ioredis) {
    const [base] = (cluster.nodes as Fn).call(cluster, 'all') as AnyClient[];
    if (!base) throw new Error('the cluster client knows no node yet');
    return (base.duplicate as Fn).call(base, {
      host: address.host,
      port: address.port,
      lazyConnect: true,
      retryStrategy: null,
      readOnly: false,
      connectTimeout: CONNECT_MS,
    }) as AnyClient;
  }
  const base = [...((cluster.masters as { client?: AnyClient }[] | undefined) ?? [])].find(
    (node) => node.client !== undefined,
  )?.client;
  if (!base) throw new Error('the cluster client knows no node yet');
  const socket = (base.options as { socket?: object } | undefined)?.socket ?? {};
  return (base.duplicate as Fn).call(base, {
    readonly: false,
    socket: {
      ...socket,
      host: address.host,
      port: address.port,
      connectTimeout: CONNECT_MS,
      reconnectStrategy: false,
    },
  }) as AnyClient;
}

async function subscribeAt(
  cluster: AnyClient,
  ioredis: boolean,
  address: Address,
  channel: string,
  onMessage: (message: string) => void,
): Promise<Subscription> {
  const client = connectionTo(cluster, ioredis, address);
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
      (((ioredis ? client.disconnect : client.destroy) ?? client.disconnect) as Fn).call(client);
    } catch {
      // already closed
    }
  };
  // An `error` event without a listener would end the process; every one of them means this connection is done.
  client.on('error', stop);
  client.on('end', stop);
  if (ioredis) {
    client.on('close', stop);
    client.on('moved', stop);
    client.on('smessage', (from: unknown, message: unknown) => {
      if (from === channel && typeof message === 'string') onMessage(message);
    });
  } else {
    client.on('sharded-channel-moved', stop);
  }
  try {
    await (client.connect as Fn).call(client);
    if (ioredis) await (client.ssubscribe as Fn).call(client, channel);
    else
      await (client.sSubscribe as Fn).call(client, channel, (message: unknown) => {
        if (typeof message === 'string') onMessage(message);
      });
  } catch (error) {
    stop();
    throw error;
  }
  return { lost, stop };
}

/**
 * The subscriber on a Redis Cluster: its own connection to a node of the shard that serves the channel's slot (the
 * primary, else a replica: a replica delivers its shard's messages too, and keeps doing so when it is promoted),
 * listening with SSUBSCRIBE. The user's cluster client says where the shard is; a MOVED answer, or the server
 * unsubscribing it when the slot migrates, sends it where the slot went. Every loss is reported before the next
 * subscription, so the tier drops what it may have missed.
 * @example
 *   await shardSubscriberOf(cluster, connection).listen(channel, onMessage, onState);
 */
export function shardSubscriberOf(cluster: AnyClient, connection: RedisConnection): RedisSubscriber {
  const ioredis = connection.flavour === 'ioredis';
  let closed = false;
  let current: Subscription | undefined;
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());

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
              slot ??= Number(await connection.command(['CLUSTER', 'KEYSLOT', channel], channel));
              const candidates = next ? [next] : addressesOf(cluster, ioredis, slot);
              next = undefined;
              const address = candidates[attempt++ % Math.max(1, candidates.length)];
              if (!address) throw new Error('the cluster client knows no node for the slot yet');
              const subscription = await subscribeAt(cluster, ioredis, address, channel, onMessage);
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
              // Not trusted: a node that is down, a slot that moved (MOVED names where), a topology not known yet.
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
