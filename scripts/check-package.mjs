#!/usr/bin/env node
// Packs the package as npm would publish it and checks the tarball the way a consumer meets it:
// publint, @arethetypeswrong/cli, then import + require + type-check from a scratch project, and proof that
// importing the package loads no @aws-sdk module until a provider call needs one, and that the `secret-refs/redis`
// subpath imports, requires and type-checks, shares the root's error classes, and loads no Redis client package;
// the dev-only `secret-refs/testing` subpath imports, requires and type-checks, and the root import never loads it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });
const step = (title) => console.log(`\n▶ ${title}`);

const packDir = mkdtempSync(join(tmpdir(), 'secret-refs-pack-'));
try {
  // The build runs here, in the open; `npm pack` then skips its own `prepack` build so that its standard output is
  // the JSON report alone.
  step('build');
  run('npm', ['run', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
  step('npm pack');
  const [packed] = JSON.parse(
    run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir]),
  );
  const tarball = join(packDir, packed.filename);
  console.log(`${packed.filename}: ${packed.files.length} files, ${packed.size} bytes packed`);
  const stray = packed.files
    .map((f) => f.path)
    .filter((p) => !/^(dist\/|README\.md|CHANGELOG\.md|LICENSE|package\.json)/.test(p));
  if (stray.length > 0) throw new Error(`unexpected files in the tarball: ${stray.join(', ')}`);

  step('publint --strict');
  console.log(run('npx', ['publint', 'run', tarball, '--strict']));

  step('attw (are the types wrong?)');
  console.log(run('npx', ['attw', tarball, '--profile', 'node16', '--format', 'table-flipped']));

  // A consumer project inside the repo, so the package's dependencies and peers resolve from our node_modules.
  step('consumer smoke test: import, require, types, lazy SDK');
  const consumer = join(root, '.tmp', 'consumer');
  rmSync(consumer, { recursive: true, force: true });
  mkdirSync(join(consumer, 'node_modules', 'secret-refs'), { recursive: true });
  run('tar', ['-xzf', tarball, '-C', join(consumer, 'node_modules', 'secret-refs'), '--strip-components=1']);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );

  writeFileSync(
    join(consumer, 'esm.mjs'),
    `import * as lib from 'secret-refs';
const ref = lib.parseSecretRef('{{resolve:secretsmanager:db:SecretString:password}}');
if (ref.secretId !== 'db' || ref.jsonKey !== 'password') throw new Error('ESM parse failed');
for (const name of ['parseSecretRef', 'formatSecretRef', 'findSecretRefs', 'resolveConnection', 'createAwsSecretsManager', 'SecretRefError']) {
  if (typeof lib[name] !== 'function') throw new Error('ESM export missing: ' + name);
}
const redis = await import('secret-refs/redis');
if (typeof redis.createRedisSecretCache !== 'function') throw new Error('ESM export missing: secret-refs/redis createRedisSecretCache');
try {
  redis.createRedisSecretCache({ client: {}, encryptionKey: 'x' });
  throw new Error('createRedisSecretCache accepted a bad client');
} catch (error) {
  if (!(error instanceof lib.SecretRefConfigError)) throw new Error('secret-refs/redis errors are not the root classes: ' + error);
}
const testing = await import('secret-refs/testing');
for (const name of ['startLocalSecretsManager', 'parseSeedFile']) {
  if (typeof testing[name] !== 'function') throw new Error('ESM export missing: secret-refs/testing ' + name);
}
console.log('esm ok (and secret-refs/redis, same error classes; secret-refs/testing)');
`,
  );
  writeFileSync(
    join(consumer, 'cjs.cjs'),
    `const lib = require('secret-refs');
const ref = lib.parseSecretRef('db:password');
if (ref.secretId !== 'db' || ref.jsonKey !== 'password') throw new Error('CJS parse failed');
if (typeof lib.createAwsSecretsManager !== 'function') throw new Error('CJS export missing');
const aws = Object.keys(require.cache).filter((p) => p.includes('@aws-sdk'));
if (aws.length > 0) throw new Error('require("secret-refs") loaded the AWS SDK: ' + aws[0]);
const redis = require('secret-refs/redis');
if (typeof redis.createRedisSecretCache !== 'function') throw new Error('CJS export missing: createRedisSecretCache');
try {
  redis.createRedisSecretCache({ client: {}, encryptionKey: 'x' });
  throw new Error('createRedisSecretCache accepted a bad client');
} catch (error) {
  if (!(error instanceof lib.SecretRefConfigError)) throw new Error('secret-refs/redis (CJS) errors are not the root classes');
}
const clients = Object.keys(require.cache).filter((p) => /node_modules\\/(redis|ioredis|@redis)\\//.test(p));
if (clients.length > 0) throw new Error('require("secret-refs/redis") loaded a Redis client: ' + clients[0]);
console.log('cjs ok: secret-refs/redis requires, no Redis client loaded');
console.log('cjs ok, no @aws-sdk module loaded');
if (Object.keys(require.cache).some((p) => p.includes('dist/testing'))) throw new Error('require("secret-refs") loaded secret-refs/testing');
if (typeof require('secret-refs/testing').parseSeedFile !== 'function') throw new Error('CJS export missing: secret-refs/testing parseSeedFile');
// The first AWS call loads the SDK lazily, from CommonJS too: a closed port answers "network", not a crash.
const manager = lib.createAwsSecretsManager({
  region: 'us-east-1', endpoint: 'http://127.0.0.1:9', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x', maxAttempts: 1,
});
manager.testConnection().then((result) => {
  if (result.ok || result.code !== 'network') throw new Error('CJS testConnection: ' + JSON.stringify(result));
  if (!Object.keys(require.cache).some((p) => p.includes('@aws-sdk'))) throw new Error('the SDK was not loaded');
  console.log('cjs ok, the SDK loads at the first call (testConnection -> ' + result.code + ')');
});
`,
  );
  console.log(run('node', ['esm.mjs'], { cwd: consumer }).trim());
  console.log(run('node', ['cjs.cjs'], { cwd: consumer }).trim());
  // The ESM graph: list every module URL the import resolved, and fail on any @aws-sdk one.
  writeFileSync(
    join(consumer, 'esm-graph.mjs'),
    `import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const seen = [];
port1.on('message', (url) => seen.push(url));
register('./graph-hooks.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
const clients = () => seen.filter((u) => /\\/node_modules\\/(redis|ioredis|@redis)\\//.test(u));
await import('secret-refs');
await new Promise((r) => setTimeout(r, 50));
if (clients().length > 0) throw new Error('import("secret-refs") loaded a Redis client: ' + clients()[0]);
const { createRedisSecretCache } = await import('secret-refs/redis');
await new Promise((r) => setTimeout(r, 50));
port1.close();
const aws = seen.filter((u) => u.includes('/@aws-sdk/'));
if (aws.length > 0) throw new Error('import("secret-refs") loaded the AWS SDK: ' + aws[0]);
const testing = seen.filter((u) => u.includes('/dist/testing'));
if (testing.length > 0) throw new Error('import("secret-refs") loaded secret-refs/testing: ' + testing[0]);
if (clients().length > 0) throw new Error('import("secret-refs/redis") loaded a Redis client: ' + clients()[0]);
if (typeof createRedisSecretCache !== 'function') throw new Error('secret-refs/redis has no createRedisSecretCache');
console.log('esm ok, ' + seen.length + ' modules resolved, no @aws-sdk module and no Redis client loaded');
`,
  );
  writeFileSync(
    join(consumer, 'graph-hooks.mjs'),
    `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}
`,
  );
  console.log(run('node', ['esm-graph.mjs'], { cwd: consumer }).trim());

  writeFileSync(
    join(consumer, 'types.mts'),
    `import { parseSecretRef, type SecretRef } from 'secret-refs';
import { createRedisSecretCache, type RedisSecretCache, type RedisSecretCacheOptions } from 'secret-refs/redis';
const ref: SecretRef = parseSecretRef('db:password');
export const id: string = ref.secretId;
export const make = (options: RedisSecretCacheOptions): RedisSecretCache => createRedisSecretCache(options);
import { parseSeedFile, type LocalSecretsManagerOptions } from 'secret-refs/testing';
export const seed: LocalSecretsManagerOptions = parseSeedFile('[]');
`,
  );
  writeFileSync(
    join(consumer, 'types.cts'),
    `import lib = require('secret-refs');
import redis = require('secret-refs/redis');
const ref: import('secret-refs').SecretRef = lib.parseSecretRef('db:password');
export const id: string = ref.secretId;
export const make = (options: import('secret-refs/redis').RedisSecretCacheOptions): import('secret-refs/redis').RedisSecretCache =>
  redis.createRedisSecretCache(options);
`,
  );
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        strict: true,
        noEmit: true,
        types: ['node'],
        skipLibCheck: false,
      },
      files: ['types.mts', 'types.cts'],
    }),
  );
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', consumer]);
  console.log('types ok (node16 resolution, ESM and CJS)');
  console.log('\npackage checks passed');
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
