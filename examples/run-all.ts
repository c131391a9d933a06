/**
 * Runs every runnable example, each in its own process, and fails on the first that exits non-zero or takes
 * longer than 60 s. CI runs it with `npm run examples`. The Activepieces piece runs through its `run.ts`, which
 * drives the piece's auth and actions with the framework's mock context and props as the engine delivers them.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const EXAMPLES = [
  'quick-start.ts',
  'basic.ts',
  'localstack.ts',
  'memory.ts',
  'activepieces-piece/run.ts',
  'otel-metrics/run.ts',
  'fleet/run.ts',
];
const TIMEOUT_MS = 60_000;

function run(file: string): Promise<number | string> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path], {
    stdio: 'inherit',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (error) => resolve(error.message));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? `killed by ${signal}`);
    });
  });
}

const failed: string[] = [];
for (const file of EXAMPLES) {
  console.log(`\n▶ examples/${file}`);
  const outcome = await run(file);
  if (outcome !== 0)
    failed.push(`examples/${file}: ${typeof outcome === 'number' ? `exit ${outcome}` : outcome}`);
}
if (failed.length > 0) {
  console.error(`\n${failed.length} example(s) failed:\n${failed.map((line) => `  ✖ ${line}`).join('\n')}`);
  process.exitCode = 1;
} else {
  console.log(`\nAll ${EXAMPLES.length} examples ran.`);
}
