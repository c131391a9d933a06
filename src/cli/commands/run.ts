import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import * as util from 'node:util';
import { SecretResolutionError } from '../../errors.js';
import type { SecretManager } from '../../manager/types.js';
import { findSecretRefs } from '../../resolve/find.js';
import { jsonStringLeaves } from '../../resolve/mask-forms.js';
import { resolveConnection } from '../../resolve/resolve-connection.js';
import { type CliCommand, type CommandContext, withoutManager } from '../command.js';
import { CliFailure, CliUsageError, type CliWritable } from '../io.js';
import { createMaskingWriter } from '../mask-stream.js';
import { choiceValue, ENCODE_OPTION, stringValue } from '../options.js';
import { reportUnresolved } from '../report.js';
import { signalExitCode } from '../signals.js';
import { systemReason } from '../system-reason.js';

/** `secret-refs run [--env-file F] -- <command…>`: starts a command with the references in its environment resolved. */
export const runCommand: CliCommand = {
  name: 'run',
  argsUsage: '-- <command> [args…]',
  summary: 'Start a command with the secret references in its environment (and --env-file) resolved',
  details: `Resolves every reference in the environment variables (and in the --env-file, whose
variables come second to those already set, as with node --env-file) and starts the command with
the values, without a shell. Its output goes through a filter that masks every resolved value as
****, also when printed JSON-escaped (as Node, Go, Python, Java or PHP write it) or percent-encoded,
and each string inside a JSON secret referenced whole; a value the command transforms otherwise
(base64, slices) cannot be recognised. --no-masking passes the output through untouched. When the
reader of the output goes away, the command's pipe is closed as in a shell pipeline, and run waits
for the command and exits with its status; while the reader is slow, the command waits. Signals (SIGTERM, SIGHUP, SIGINT…) are passed on
to it (Ctrl-C at a terminal reaches it directly, once); the exit status is its own, or 128 + the
signal's number if a signal ended it. When a reference fails, nothing is started: the failing
variables are listed on standard error (no value), exit 1. A command that cannot be started exits
127 (not found) or 126 (not executable).`,
  options: {
    'env-file': {
      type: 'string',
      valueName: '<file>',
      description: 'Also read variables from this .env file (KEY=value lines)',
    },
    'no-masking': { type: 'boolean', description: "Do not mask the values in the command's output" },
    encode: ENCODE_OPTION,
  },
  minArgs: 1,
  maxArgs: Number.POSITIVE_INFINITY,
  progress: 'resolving the environment',
  async run(context) {
    const { io, values, args, getManager, explain, signal } = context;
    const [file, ...commandArgs] = args;
    if (file === undefined || file === '') throw new CliUsageError('run needs a command after --');
    const encode = choiceValue(values, 'encode', ['uri']);
    const envFile = stringValue(values, 'env-file');
    const environment = {
      ...(envFile === undefined ? {} : await readEnvFile(envFile)),
      ...definedOnly(io.env),
    };
    let resolved = environment;
    let secrets: string[] = [];
    const found = findSecretRefs(environment);
    if (found.length > 0) {
      const manager = await getManager();
      try {
        resolved = await resolveConnection(environment, manager, { encode, signal });
      } catch (error) {
        if (!(error instanceof SecretResolutionError)) throw error;
        reportUnresolved(io.stderr, error, {
          outcome: `${file} not started`,
          explain,
          where: (issue) => String(issue.path[0] ?? ''),
        });
        return 1;
      }
      if (values['no-masking'] !== true) {
        const read = await secretValues(manager, found, signal);
        // Masking fails closed: a value the command would get but that could not be read back to mask is never
        // handed over unmasked.
        if (!read.ok) {
          io.stderr.write(
            `secret-refs: ${file} not started: a resolved value could not be read again to mask it (${read.code}); run again, or pass --no-masking\n`,
          );
          return 1;
        }
        secrets = read.values;
      }
    }
    context.progress.stop();
    // Nothing to mask (no reference, or --no-masking): the command gets the CLI's own stdout and stderr.
    return runChild(context, file, commandArgs, resolved, secrets.length === 0 ? undefined : secrets);
  },
};

async function readEnvFile(file: string): Promise<Record<string, string>> {
  // `parseEnv` came in Node.js 20.12 (hence no named import, which would keep older releases from loading the CLI).
  if (typeof util.parseEnv !== 'function') throw new CliUsageError('--env-file needs Node.js 20.12 or later');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliUsageError(
      `cannot read --env-file ${file}: ${systemReason((error as { code?: unknown } | null)?.code, 'read')}`,
    );
  }
  return definedOnly(util.parseEnv(text.replace(/^\uFEFF/, '')));
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/**
 * The secret values the references stand for (from the manager's cache: the resolve just read them), and, for a
 * JSON secret referenced whole (or a JSON key holding an object or array), each string inside it, which a program
 * may print on its own.
 */
async function secretValues(
  manager: SecretManager,
  found: ReturnType<typeof findSecretRefs>,
  signal: AbortSignal | undefined,
): Promise<{ ok: true; values: string[] } | { ok: false; code: string }> {
  const refs = found.flatMap((item) => (item.ref === undefined ? [] : [withoutManager(item.ref)]));
  const results = await manager.getSecrets(refs, { signal });
  const failed = results.find((result) => !result.ok);
  if (failed !== undefined && !failed.ok) return { ok: false, code: failed.error.code };
  // A JSON key's value that is an object or array is its JSON text: its strings are printed as they are too.
  const values = results.flatMap((result) =>
    result.ok ? [result.value, ...jsonStringLeaves(result.value)] : [],
  );
  return { ok: true, values };
}

function runChild(
  context: CommandContext,
  file: string,
  args: readonly string[],
  env: Record<string, string>,
  secrets: readonly string[] | undefined,
): Promise<number> {
  const { io, signals, signal } = context;
  const stdio: StdioOptions = [
    typeof io.stdin.fd === 'number' ? io.stdin.fd : 'ignore',
    secrets === undefined && typeof io.stdout.fd === 'number' ? io.stdout.fd : 'pipe',
    secrets === undefined && typeof io.stderr.fd === 'number' ? io.stderr.fd : 'pipe',
  ];
  return new Promise<number>((resolve, reject) => {
    const cannotStart = (code: unknown): void => {
      // Node's own message may quote the environment (a value with a NUL byte): only the code is shown.
      const reason =
        code === 'ERR_INVALID_ARG_VALUE'
          ? 'a variable or argument holds a NUL byte (ERR_INVALID_ARG_VALUE)'
          : systemReason(code, 'start');
      io.stderr.write(`secret-refs: cannot start ${file}: ${reason}\n`);
      resolve(code === 'ENOENT' ? 127 : 126);
    };
    let child: ChildProcess;
    try {
      child = spawn(file, [...args], { env, stdio });
    } catch (error) {
      // ENOTDIR, E2BIG, a NUL byte…: thrown at once rather than emitted, and as much "cannot start" as ENOENT.
      cannotStart((error as { code?: unknown } | null)?.code);
      return;
    }
    // Ctrl-C and Ctrl-\ at a terminal reach the whole foreground process group, the command included: passing them
    // on as well would make it see each twice (a second Ctrl-C often means "force quit").
    const fromTerminal = io.stdin.isTTY === true;
    const release = signals?.capture((received) => {
      if (fromTerminal && (received === 'SIGINT' || received === 'SIGQUIT')) return;
      child.kill(received);
    });
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      release?.();
      signal?.removeEventListener('abort', onAbort);
    };
    const outputs = [pipeTo(child.stdout, io.stdout, secrets), pipeTo(child.stderr, io.stderr, secrets)];
    child.once('error', (error: NodeJS.ErrnoException) => {
      done();
      cannotStart(error.code);
    });
    // Once the command has ended there is nothing to pass a signal on to: while run still waits for output a
    // background process of the command holds open, a signal ends run as it would without a command.
    child.once('exit', done);
    child.once('close', (code, received) => {
      done();
      for (const end of outputs) end();
      if (code !== null) resolve(code);
      else if (received !== null) resolve(signalExitCode(received));
      else reject(new CliFailure(`${file} ended without a status`));
    });
  });
}

/**
 * Copies a child's output to `target`, masked when `secrets` is given; returns the function that flushes it.
 * Backpressure: while `target` is full, the child's pipe is not read, so the child waits and memory stays bounded
 * by what the mask holds back. When the reader of `target` goes away (`EPIPE`), the child's pipe is closed, as in a
 * shell pipeline: its next write gets SIGPIPE (or EPIPE), and `run` waits for it to end and exits with its status.
 */
function pipeTo(
  source: Readable | null,
  target: CliWritable,
  secrets: readonly string[] | undefined,
): () => void {
  if (source === null) return () => undefined;
  let broken = false;
  let paused = false;
  const onDrain = (): void => {
    target.off?.('drain', onDrain);
    paused = false;
    source.resume();
  };
  const write = (chunk: Uint8Array): void => {
    if (broken) return;
    if (target.write(chunk) === false && target.on !== undefined && !paused) {
      paused = true;
      source.pause();
      target.on('drain', onDrain);
    }
  };
  const onError = (): void => {
    broken = true;
    source.destroy();
  };
  target.on?.('error', onError);
  const writer = secrets === undefined ? undefined : createMaskingWriter(secrets, write);
  source.on('data', (chunk: Uint8Array) => (writer === undefined ? write(chunk) : writer.write(chunk)));
  return () => {
    writer?.end();
    target.off?.('error', onError);
  };
}
