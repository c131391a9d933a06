import type { RedisSubscriber } from './client.js';

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
export function sharedSubscriberOf(client: object, open: () => RedisSubscriber): RedisSubscriber {
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
