import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { SecretFetchError } from '../../src/errors.js';
import type { SecretManager, SecretManagerStats } from '../../src/manager/types.js';
import type { LocalSecretsManager } from '../../src/testing/index.js';
import type { SecretRef, SecretSummary, TestConnectionResult } from '../../src/types.js';

/** An in-memory `CliIo`: `stdin` from text (or a TTY with no data), stdout/stderr collected as text. */
export function makeIo(options: { stdin?: string; tty?: boolean; env?: Record<string, string> } = {}) {
  const stdout: (string | Uint8Array)[] = [];
  const stderr: string[] = [];
  const stdin = Object.assign(
    Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    {
      isTTY: options.tty ?? options.stdin === undefined,
    },
  );
  const io: CliIo = {
    stdin,
    stdout: { write: (chunk) => stdout.push(chunk) },
    stderr: { write: (chunk) => stderr.push(String(chunk)) },
    env: options.env ?? {},
  };
  return {
    io,
    out: () =>
      stdout.map((chunk) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString())).join(''),
    outBytes: () => Buffer.concat(stdout.map((chunk) => Buffer.from(chunk))),
    err: () => stderr.join(''),
  };
}

/** What a fake manager was asked. */
export interface FakeManagerLog {
  getSecrets: SecretRef[][];
  getSecret: SecretRef[];
  listPrefixes: (string | undefined)[];
}

/**
 * A `SecretManager` over a record of secret name → value, enough for the CLI: JSON keys at top level,
 * `secret_not_found` / `json_key_not_found` / `binary_secret` errors that name the reference, never the value.
 */
export function fakeManager(
  secrets: Record<string, string | Uint8Array>,
  options: { connection?: TestConnectionResult; listed?: SecretSummary[] } = {},
): SecretManager & { log: FakeManagerLog } {
  const log: FakeManagerLog = { getSecrets: [], getSecret: [], listPrefixes: [] };
  const read = (ref: SecretRef): string => {
    const stored = secrets[ref.secretId];
    if (stored === undefined) {
      throw new SecretFetchError('secret_not_found', `Secret ${ref.secretId} was not found`, {
        ref: ref.secretId,
      });
    }
    if (typeof stored !== 'string') {
      throw new SecretFetchError('binary_secret', `Secret ${ref.secretId} is binary`, { ref: ref.secretId });
    }
    if (ref.jsonKey === undefined) return stored;
    const value = (JSON.parse(stored) as Record<string, unknown>)[ref.jsonKey];
    if (value === undefined) {
      throw new SecretFetchError(
        'json_key_not_found',
        `JSON key ${ref.jsonKey} not found in ${ref.secretId}`,
        {
          ref: ref.secretId,
        },
      );
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  const asRef = (ref: SecretRef | string): SecretRef => (typeof ref === 'string' ? { secretId: ref } : ref);
  return {
    log,
    async getSecret(ref) {
      log.getSecret.push(asRef(ref));
      return read(asRef(ref));
    },
    async getSecretBinary(ref) {
      const stored = secrets[asRef(ref).secretId];
      if (stored instanceof Uint8Array) return stored;
      throw new SecretFetchError('not_binary', 'not binary');
    },
    async getSecrets(refs) {
      log.getSecrets.push(refs.map(asRef));
      return refs.map((ref) => {
        try {
          return { ok: true as const, value: read(asRef(ref)) };
        } catch (error) {
          return { ok: false as const, error: error as SecretFetchError };
        }
      });
    },
    async testConnection() {
      return options.connection ?? { ok: true, latencyMs: 3, region: 'eu-west-1' };
    },
    async *listSecrets(listOptions) {
      log.listPrefixes.push(listOptions?.prefix);
      const listed = options.listed ?? Object.keys(secrets).map((name) => ({ name }));
      for (const secret of listed) {
        if (listOptions?.prefix === undefined || secret.name.startsWith(listOptions.prefix)) yield secret;
      }
    },
    async listJsonKeys(ref) {
      return Object.keys(JSON.parse(read(asRef(ref))) as object);
    },
    invalidate() {},
    stats() {
      // Asserted: the fake counts only what the CLI reads; other counters are the library's business.
      return {
        hits: 0,
        misses: 0,
        apiCalls: log.getSecrets.length + log.getSecret.length,
        staleServed: 0,
        size: 0,
      } as SecretManagerStats;
    },
  };
}

/** The AWS environment that points the CLI at a local Secrets Manager endpoint, with `overrides` on top. */
export function endpointEnv(
  sm: LocalSecretsManager,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    AWS_REGION: sm.region,
    AWS_ACCESS_KEY_ID: sm.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sm.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    ...overrides,
  };
}

/** Runs the CLI in-process with `env` (and `stdin`, when given); its exit status and output. */
export async function runWithEnv(argv: string[], env: Record<string, string>, stdin?: string) {
  const io = makeIo({ ...(stdin === undefined ? {} : { stdin }), env });
  const code = await runCli(argv, io.io);
  return { code, out: io.out(), err: io.err() };
}
