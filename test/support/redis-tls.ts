import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { killRedis, launchOnFreePort, launchRedis } from './redis-server.js';

const run = promisify(execFile);

/** A `redis-server` that speaks only TLS, with a certificate signed by a CA made for the test. */
export interface TlsRedisServer {
  /** `rediss://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The CA's certificate (PEM) and the file that holds it. */
  readonly ca: string;
  readonly caFile: string;
  stop(): Promise<void>;
}

/** Makes a CA and a certificate for 127.0.0.1 / localhost signed by it, with openssl, in `dir`. */
async function makeCertificates(dir: string): Promise<void> {
  const at = (file: string) => join(dir, file);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...key,
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=secret-refs test CA',
  ]);
  await run('openssl', [
    'req',
    ...key,
    '-keyout',
    at('server.key'),
    '-out',
    at('server.csr'),
    '-subj',
    '/CN=localhost',
  ]);
  writeFileSync(at('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.crt'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-out',
    at('server.crt'),
    '-days',
    '2',
    '-extfile',
    at('ext.cnf'),
  ]);
}

function launchTls(dir: string, port: number): Promise<ChildProcess> {
  return launchRedis(dir, [
    '--port',
    '0',
    '--tls-port',
    String(port),
    '--tls-cert-file',
    join(dir, 'server.crt'),
    '--tls-key-file',
    join(dir, 'server.key'),
    '--tls-ca-cert-file',
    join(dir, 'ca.crt'),
    '--tls-auth-clients',
    'no',
  ]);
}

/**
 * Starts `redis-server` on its own TLS port only (`--port 0 --tls-port …`), with a fresh CA and a certificate for
 * 127.0.0.1 that openssl makes in a temporary folder; clients are not asked for certificates.
 * @example
 *   const redis = await startTlsRedisServer();
 *   const client = await createClient({ url: redis.url, socket: { tls: true, ca: redis.ca } }).connect();
 */
export async function startTlsRedisServer(): Promise<TlsRedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'secret-refs-redis-tls-'));
  await makeCertificates(dir);
  const launched = await launchOnFreePort((port) => launchTls(dir, port));
  const port = launched.port;
  let child: ChildProcess | undefined = launched.child;
  const caFile = join(dir, 'ca.crt');
  return {
    url: `rediss://127.0.0.1:${port}`,
    port,
    ca: readFileSync(caFile, 'utf8'),
    caFile,
    async stop() {
      const current = child;
      child = undefined;
      if (current) await killRedis(current);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
