/**
 * Run by bench/first-call.ts in a fresh process: `node --import tsx bench/first-call-child.ts <endpoint> <waitMs>`.
 * Imports the library, creates a manager, waits `waitMs` (an application's own start-up), then times the first
 * read of 10 secrets; prints `{ "ms": … }`.
 */
import { createAwsSecretsManager } from '../src/provider/aws/create-aws-secrets-manager.js';

const [endpoint = '', waitText = '0'] = process.argv.slice(2);
const manager = createAwsSecretsManager({
  region: 'us-east-1',
  endpoint,
  accessKeyId: 'AKIALOCALTEST0000001',
  secretAccessKey: 'local/test/secret/access/key/000000000000',
});
await new Promise((resolve) => setTimeout(resolve, Number(waitText)));
const started = performance.now();
const results = await manager.getSecrets(Array.from({ length: 10 }, (_, n) => `first/s${n}`));
const ms = performance.now() - started;
if (results.some((result) => !result.ok))
  throw new Error(`a read failed: ${results.map((r) => (r.ok ? 'ok' : r.error.code)).join(',')}`);
process.stdout.write(`${JSON.stringify({ ms, calls: manager.stats().apiCalls })}\n`);
