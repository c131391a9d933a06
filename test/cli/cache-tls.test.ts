import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { createSecretManager } from '../../src/manager/create-secret-manager.js';
import { createMemoryProvider } from '../../src/provider/memory.js';
import { createRedisSecretCache } from '../../src/redis/index.js';
import { closeClient, KEY_A } from '../redis/helpers.js';
import { runCliProcess } from '../support/cli-spawn.js';
import { startTlsRedisServer, type TlsRedisServer } from '../support/redis-tls.js';
import { makeIo } from './helpers.js';

let server: TlsRedisServer;
beforeAll(async () => {
  server = await startTlsRedisServer();
  // A worker that read the namespace with the key the command is given: `cache clear` checks the key is in use.
  const client = createClient({
    url: server.url,
    socket: { tls: true, ca: server.ca, reconnectStrategy: false },
  });
  await client.connect();
  const cache = createRedisSecretCache({ client, encryptionKey: KEY_A });
  try {
    const manager = createSecretManager(createMemoryProvider({ 'prod/db': 'pw-1' }, { identity: 'tls' }), {
      cache,
    });
    await manager.getSecret('prod/db');
    // The worker marks its key in the namespace in the background, after its first read.
    const end = Date.now() + 5_000;
    while ((await client.exists('secret-refs:{default}:keys')) === 0 && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await cache.close();
    await closeClient(client);
  }
});
afterAll(async () => {
  await server?.stop();
});

function cli(args: string[]) {
  const io = makeIo({ env: { SECRET_REFS_CACHE_KEY: KEY_A } });
  return {
    run: () => runCli(['cache', 'clear', 'prod/db', '--redis-url', server.url, ...args], io.io),
    ...io,
  };
}

describe('secret-refs cache clear over rediss://', () => {
  it('trusts the CA that --redis-ca names', async () => {
    const { run, out, err } = cli(['--redis-ca', server.caFile]);
    expect(await run()).toBe(0);
    expect(err()).toBe('');
    expect(out()).toContain('cleared prod/db');
  });

  it('trusts the CA in NODE_EXTRA_CA_CERTS', async () => {
    const { code, stdout, stderr } = await runCliProcess(
      ['cache', 'clear', 'prod/db', '--redis-url', server.url],
      { env: { SECRET_REFS_CACHE_KEY: KEY_A, NODE_EXTRA_CA_CERTS: server.caFile } },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('cleared prod/db');
  });

  it('refuses a server whose certificate no trusted CA signed: exit 1, saying how to trust it', async () => {
    const { run, out, err } = cli([]);
    expect(await run()).toBe(1);
    expect(out()).toBe('');
    expect(err()).toBe(
      `secret-refs: network: Redis at 127.0.0.1:${server.port} presented a TLS certificate that is not trusted (SELF_SIGNED_CERT_IN_CHAIN): give its CA with --redis-ca <file> or NODE_EXTRA_CA_CERTS\n`,
    );
  });

  it('a --redis-ca that is not a readable PEM file is bad usage (exit 2)', async () => {
    const { run, err } = cli(['--redis-ca', '/nonexistent/ca.pem']);
    expect(await run()).toBe(2);
    expect(err()).toContain('--redis-ca');
  });
});
