import type { SecretEvent } from '../events.js';
import type { SecretManager } from '../manager/types.js';
import type { CliCredentialSource } from './credential-source.js';
import type { CliSignals } from './signals.js';

/** A stream the CLI writes to: `process.stdout`, `process.stderr`, or a collector in tests. */
export interface CliWritable {
  write(chunk: string | Uint8Array): unknown;
  /** `true` for a terminal: the progress line is shown only there. */
  isTTY?: boolean;
  /** The file descriptor behind the stream, when there is one (`run --no-masking` hands it to the command). */
  fd?: number;
  /**
   * Node's stream events, when the stream has them (`process.stdout` does): `drain` once a `write` that returned
   * `false` has been flushed; `error` when the reader went away (`EPIPE`). `run` uses them to pause its command's
   * output and to close the command's pipe as a shell would.
   */
  on?(event: 'drain' | 'error', listener: (error?: Error) => void): unknown;
  off?(event: 'drain' | 'error', listener: (error?: Error) => void): unknown;
}

/** Where the CLI reads and writes, passed in so that `runCli` runs in-process and in tests. */
export interface CliIo {
  /** Read when no file (or `-`) is given; a TTY stdin with no file is a usage error. */
  stdin: AsyncIterable<string | Uint8Array> & { isTTY?: boolean; fd?: number };
  stdout: CliWritable;
  stderr: CliWritable;
  /** Environment for region, endpoint and credentials (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_PROFILE`, …). */
  env: Readonly<Record<string, string | undefined>>;
}

/** What the global options ask of the manager the commands use. */
export interface CliManagerOptions {
  /** `--region`; the factory falls back to `AWS_REGION` / `AWS_DEFAULT_REGION` in `env`. */
  region?: string;
  /** `--profile`: credentials from the shared AWS config files. */
  profile?: string;
  /** `--endpoint`; the factory falls back to `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL`. */
  endpoint?: string;
  /** `--max-attempts`: attempts per AWS call; the factory falls back to `AWS_MAX_ATTEMPTS`. */
  maxAttempts?: number;
  /** `--timeout`: milliseconds each attempt may take. */
  requestTimeoutMs?: number;
  env: Readonly<Record<string, string | undefined>>;
  /** The manager's `onEvent` (`--verbose`: AWS calls, cache hits and misses). */
  onEvent?: (event: SecretEvent) => void;
  /**
   * Told the credential source each time more is learnt of it: the profile's kind, which link of the SDK's chain
   * answered, that nothing could be loaded, a failing credential_process's first line (cleaned).
   */
  onCredentials?: (source: CliCredentialSource) => void;
}

/** What `writePrivateFile` needs to know of a path or an open file; `node:fs` `Stats` fits. */
export interface PrivateFileStats {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  /** Only meaningful from `lstat`. */
  isSymbolicLink(): boolean;
}

/** The part of an open file `writePrivateFile` uses; `node:fs/promises` `FileHandle` fits. */
interface PrivateFileHandle {
  writeFile(text: string, encoding: 'utf8'): Promise<void>;
  chmod(mode: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
  stat(): Promise<PrivateFileStats>;
}

/** The file-system calls `writePrivateFile` makes; `node:fs/promises` fits, tests inject failures. */
export interface PrivateFileSystem {
  open(path: string, flags: string | number, mode?: number): Promise<PrivateFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Follows symbolic links, as `open` does. */
  stat(path: string): Promise<PrivateFileStats>;
  /** Does not follow a symbolic link at `path`. */
  lstat(path: string): Promise<PrivateFileStats>;
}

/** Dependencies of `runCli` that tests and the demo replace. */
export interface CliDeps {
  /**
   * Builds the manager the commands use; tests give one returning a fake.
   * @default createCliManager (the AWS provider, configured from the global options and `env`)
   */
  createManager?: (options: CliManagerOptions) => SecretManager | Promise<SecretManager>;
  /** Cancels in-flight calls (wired to Ctrl-C by the bin entry). */
  signal?: AbortSignal;
  /** @default node:fs/promises (where `resolve -o` writes its file) */
  fileSystem?: PrivateFileSystem;
  /** The process's signals, which `run` passes on to its command (installed by the bin entry). */
  signals?: CliSignals;
}

/** A problem with how the command was called; exit status 2, one line on stderr. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
  /** The command whose help the message points to. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/**
 * A failure of the run that is not bad usage (the disk filled up while writing the output): exit status 1, one line
 * on stderr, no stack.
 */
export class CliFailure extends Error {
  override name = 'CliFailure';
}
