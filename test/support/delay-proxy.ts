import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 in front of a server, delaying what the server sends back to its clients. */
export interface DelayProxy {
  /** `redis://127.0.0.1:<port>` of the proxy. */
  readonly url: string;
  /** How long each chunk from the server waits before it reaches the client; can be changed at any time. */
  delayMs: number;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `127.0.0.1:<targetPort>` that delays every reply by `delayMs` (order kept), so that a test can
 * make one connection (a subscriber) hear late what every other connection hears at once.
 * @example
 *   const proxy = await startDelayProxy(redis.port, 300);
 *   const subscriber = createClient({ url: proxy.url });
 */
export async function startDelayProxy(targetPort: number, delayMs: number): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const proxy: DelayProxy = {
    url: '',
    delayMs,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk) => upstream.write(chunk));
    // Each chunk leaves no earlier than the one before it, so replies keep their order.
    let last = 0;
    upstream.on('data', (chunk) => {
      const at = Math.max(Date.now() + proxy.delayMs, last);
      last = at;
      setTimeout(() => client.writable && client.write(chunk), at - Date.now());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return Object.assign(proxy, { url: `redis://127.0.0.1:${port}` });
}
