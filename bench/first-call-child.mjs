/**
 * Run by bench/first-call.ts in a fresh process: `node bench/first-call-child.mjs <endpoint> <waitMs>`.
 * Imports the built library, creates a manager, waits `waitMs` (an application's own start-up), then times the first
 * read of 10 secrets, and then a second read of 10 other secrets (a steady-state call, for comparison);
 * prints `{ "ms": …, "fromStartMs": …, "steadyMs": …, "calls": … }`.
 */
// The built package, as users import it (bench/first-call.ts builds it when it is older than src/). Both children
// are plain JavaScript run by plain `node`, as a service runs: under a TypeScript loader's hooks (tsx) every module
// the first call imports lazily (the AWS SDK) crosses the loader's thread, which no production process pays.
const { createAwsSecretsManager } = await import(new URL('../dist/index.js', import.meta.url).href);

const [endpoint = '', waitText = '0'] = process.argv.slice(2);
const manager = createAwsSecretsManager({
  region: 'us-east-1',
  endpoint,
  accessKeyId: 'AKIALOCALTEST0000001',
  secretAccessKey: 'local/test/secret/access/key/000000000000',
});
await new Promise((resolve) => setTimeout(resolve, Number(waitText)));

// process.hrtime, not `performance`: Node builds that global at its first use, which is part of the first call's cost.
/** @param {string} prefix @returns {Promise<number>} */
const read = async (prefix) => {
  const started = process.hrtime.bigint();
  const results = await manager.getSecrets(Array.from({ length: 10 }, (_, n) => `${prefix}${n}`));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (results.some((result) => !result.ok))
    throw new Error(`a read failed: ${results.map((r) => (r.ok ? 'ok' : r.error.code)).join(',')}`);
  return ms;
};

const ms = await read('first/s');
// From the process's start (node, the loader, every import) to the values: what a cold start costs in all.
const fromStartMs = process.uptime() * 1_000;
const calls = manager.stats().apiCalls;
const steadyMs = await read('first/t');
process.stdout.write(`${JSON.stringify({ ms, fromStartMs, steadyMs, calls })}\n`);
