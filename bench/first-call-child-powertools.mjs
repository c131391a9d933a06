/**
 * The peer of bench/first-call-child.ts: `node bench/first-call-child-powertools.mjs <endpoint> <waitMs>`.
 * Imports Powertools' `SecretsProvider`, creates it as its users do (its own client, from `clientConfig`), waits
 * `waitMs`, then times the first read of 10 secrets (`Promise.all` of `get`, as a user reads several), and a second
 * read of 10 other secrets; prints `{ "ms": …, "fromStartMs": …, "steadyMs": …, "calls": 10 }` (one GetSecretValue per secret).
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';

const [endpoint = '', waitText = '0'] = process.argv.slice(2);
const provider = new SecretsProvider({
  clientConfig: {
    region: 'us-east-1',
    endpoint,
    credentials: {
      accessKeyId: 'AKIALOCALTEST0000001',
      secretAccessKey: 'local/test/secret/access/key/000000000000',
    },
  },
});
await new Promise((resolve) => setTimeout(resolve, Number(waitText)));

// process.hrtime, as in the library's child, so both pay the same for the clock.
/** @param {string} prefix @returns {Promise<number>} */
const read = async (prefix) => {
  const started = process.hrtime.bigint();
  const values = await Promise.all(Array.from({ length: 10 }, (_, n) => provider.get(`${prefix}${n}`)));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (values.some((value) => typeof value !== 'string')) throw new Error('a read failed');
  return ms;
};

const ms = await read('first/s');
// From the process's start (node, the loader, every import) to the values: what a cold start costs in all.
const fromStartMs = process.uptime() * 1_000;
const steadyMs = await read('first/t');
process.stdout.write(`${JSON.stringify({ ms, fromStartMs, steadyMs, calls: 10 })}\n`);
