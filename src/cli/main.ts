#!/usr/bin/env node
import { runCli } from './cli.js';
import { removePendingFiles } from './output.js';
import { installSignalHandlers, signalExitCode } from './signals.js';

// The environment as given: what the commands read, and what `run` hands to its command.
const env = { ...process.env };

// The SDK's multi-line Node-version notice would land in every command's stderr; the CLI stays quiet (in its own
// process only: a command started by `run` gets the environment as it was).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A closed pipe (`secret-refs list | head -1`) ends the command quietly, as other command-line tools do; a closed
// stderr is not worth a crash. `run` adds its own listener while its command runs: it closes the command's pipe, as a
// shell would, and waits for the command's status instead.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (stream.listenerCount('error') > 1 || stream === process.stderr) return;
    process.exit(process.exitCode ?? 0);
  });
}

// Ctrl-C (or SIGTERM, SIGHUP…) ends the CLI at once, also while it waits on standard input or a FIFO: the CLI
// removes a half-written output file and then dies by the signal itself, so the shell shows 128 + its number (130
// for Ctrl-C), as for any program a signal ends. (`process.exit` could hang: it waits for a thread blocked opening a
// FIFO.) `run` takes signals over while its command runs and passes them on.
const controller = new AbortController();
const signals = installSignalHandlers(process, (signal) => {
  controller.abort();
  removePendingFiles();
  process.exitCode = signalExitCode(signal);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
});

runCli(
  process.argv.slice(2),
  { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env },
  { signal: controller.signal, signals },
).then(
  (code) => {
    process.exitCode ??= code;
  },
  () => {
    process.stderr.write('secret-refs: unexpected failure\n');
    process.exitCode = 1;
  },
);
