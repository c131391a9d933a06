#!/usr/bin/env node
import { runCli } from './run.js';

// The SDK's multi-line Node-version notice would land in every command's stderr; the CLI stays quiet.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A closed pipe (`secret-refs list | head -1`) ends the command quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const controller = new AbortController();
process.once('SIGINT', () => {
  controller.abort();
  process.exitCode = 130;
});

runCli(
  process.argv.slice(2),
  { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env },
  { signal: controller.signal },
).then(
  (code) => {
    process.exitCode ??= code;
  },
  () => {
    process.stderr.write('secret-refs: unexpected failure\n');
    process.exitCode = 1;
  },
);
