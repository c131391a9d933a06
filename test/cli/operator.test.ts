import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { cliWording } from '../../src/cli/wording.js';
import { CANARY } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';
import { endpointEnv, makeIo, runWithEnv } from './helpers.js';

const endpoint = useLocalEndpoint({
  region: 'eu-west-1',
  secrets: [
    { name: 'prod/db', secretString: JSON.stringify({ password: CANARY }) },
    { name: 'prod/cert', secretBinary: Buffer.from(`${CANARY}-bytes`) },
  ],
});

const env = (): Record<string, string> => endpointEnv(endpoint());
const run = (argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}) =>
  runWithEnv(argv, options.env ?? env(), options.stdin);

const oneRef = JSON.stringify({ password: '{{resolve:secretsmanager:prod/db:SecretString:password}}' });

describe('--timeout and --max-attempts', () => {
  it('--max-attempts sets the attempts per call; AWS_MAX_ATTEMPTS is the default; the hint names the flag', async () => {
    endpoint().injectFault({ kind: 'throttle', times: Number.POSITIVE_INFINITY });
    const once = await run(['check', '--max-attempts', '1'], { stdin: oneRef });
    expect(endpoint().requests).toHaveLength(1);
    expect(once.code).toBe(1);
    expect(once.out).toContain('throttled: ');
    expect(once.out).toContain('raise --max-attempts');
    expect(once.out).not.toContain('maxAttempts');

    endpoint().resetRequests();
    expect((await run(['check', '--max-attempts', '2'], { stdin: oneRef })).code).toBe(1);
    expect(endpoint().requests).toHaveLength(2);

    endpoint().resetRequests();
    expect((await run(['check'], { stdin: oneRef, env: { ...env(), AWS_MAX_ATTEMPTS: '1' } })).code).toBe(1);
    expect(endpoint().requests).toHaveLength(1);
  });

  it('--timeout bounds each attempt; the message names --timeout', async () => {
    endpoint().injectFault({ kind: 'delay', ms: 5_000, times: Number.POSITIVE_INFINITY });
    const result = await run(['check', '--timeout', '200', '--max-attempts', '1'], { stdin: oneRef });
    expect(result.code).toBe(1);
    expect(result.out).toContain('timeout: ');
    expect(result.out).toContain('raise --timeout');
    expect(result.out).not.toContain('requestTimeoutMs');
  });

  it.each([
    [['--timeout', '0'], 'option --timeout must be a whole number of milliseconds, 1 or more'],
    [['--timeout', 'soon'], 'option --timeout must be a whole number of milliseconds, 1 or more'],
    [['--max-attempts', '1.5'], 'option --max-attempts must be a whole number, 1 or more'],
    [['--max-attempts', '0'], 'option --max-attempts must be a whole number, 1 or more'],
  ])('%j is bad usage, exit 2', async (flags, message) => {
    const result = await run(['list', ...flags]);
    expect(result).toEqual({
      code: 2,
      out: '',
      err: `secret-refs: ${message} (see secret-refs list --help)\n`,
    });
  });

  it('a bad AWS_MAX_ATTEMPTS is bad usage, exit 2', async () => {
    const result = await run(['list'], { env: { ...env(), AWS_MAX_ATTEMPTS: 'many' } });
    expect(result).toEqual({
      code: 2,
      out: '',
      err: 'secret-refs: AWS_MAX_ATTEMPTS must be a whole number, 1 or more\n',
    });
  });
});

describe('messages in the CLI words', () => {
  it('get of a binary secret says to add --binary; --binary of a string secret says to leave it out', async () => {
    const binary = await run(['get', 'prod/cert']);
    expect(binary.code).toBe(1);
    expect(binary.err).toContain('add --binary to write its bytes');
    expect(binary.err).not.toContain('getSecretBinary');
    const text = await run(['get', '--binary', 'prod/db']);
    expect(text.code).toBe(1);
    expect(text.err).toContain('leave out --binary');
    expect(text.err).not.toContain('getSecret()');
    for (const output of [binary.out, binary.err, text.out, text.err]) expect(output).not.toContain(CANARY);
  });

  it('get --binary of a JSON key is bad usage, before any call', async () => {
    const result = await run(['get', '--binary', 'prod/cert:key']);
    expect(result).toEqual({
      code: 2,
      out: '',
      err: 'secret-refs: --binary writes a whole binary secret: leave out the JSON key "key"\n',
    });
    expect(endpoint().requests).toHaveLength(0);
  });

  it('words come from the code and the structured fields: option names, the credential source, the profile kind', () => {
    expect(cliWording({ code: 'unknown_endpoint', message: 'check `endpoint` and `region`' })).toBe(
      'check --endpoint and --region',
    );
    const unloaded = { name: 'CredentialsProviderError' };
    const problem = {
      code: 'invalid_credentials',
      message: 'No AWS credentials could be loaded; …',
      cause: unloaded,
    };
    expect(cliWording(problem)).toBe(
      'no AWS credentials could be loaded; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile (or set AWS_PROFILE), or run where a container or instance role applies',
    );
    expect(cliWording(problem, { profile: { name: 'ops', from: 'AWS_PROFILE', kind: 'sso' } })).toBe(
      'no AWS credentials could be loaded from profile "ops" (AWS_PROFILE); sign in again: aws sso login --profile ops',
    );
    expect(cliWording(problem, { profile: { name: 'ops', from: '--profile', kind: 'role' } })).toContain(
      'check its role_arn and its source_profile or credential_source',
    );
    // Without the SDK's error (an issue of resolve), what the CLI saw of the credentials decides.
    expect(
      cliWording(
        { code: 'invalid_credentials', message: '…' },
        { profile: { name: 'ops', from: '--profile', kind: 'keys' }, unloaded: true },
      ),
    ).toContain('check its aws_access_key_id and aws_secret_access_key');
    expect(
      cliWording(
        { code: 'invalid_credentials', message: '…', cause: { name: 'ExpiredTokenException' } },
        { profile: { name: 'ops', from: 'AWS_PROFILE', kind: 'sso' } },
      ),
    ).toBe(
      'AWS rejected the credentials of profile "ops" (AWS_PROFILE) because they have expired (ExpiredTokenException); sign in again: aws sso login --profile ops',
    );
  });
});

describe('the progress line', () => {
  function ttyIo(stdin: string, tty: boolean) {
    const base = makeIo({ stdin, env: env() });
    const stderr: string[] = [];
    const io: CliIo = { ...base.io, stderr: { isTTY: tty, write: (chunk) => stderr.push(String(chunk)) } };
    return { io, out: base.out, err: () => stderr.join('') };
  }

  it('on a terminal, a run longer than a second shows it on stderr, then clears it before the output', async () => {
    endpoint().injectFault({ kind: 'delay', ms: 1_400 });
    const { io, out, err } = ttyIo(oneRef, true);
    expect(await runCli(['check'], io)).toBe(0);
    // The first draw comes a second in (2 s only if this machine held the timer back by half a second).
    expect(err()).toMatch(/\r\x1b\[Ksecret-refs: checking references… [12] s/);
    expect(err().endsWith('\r\x1b[K')).toBe(true);
    expect(out()).toContain('1 reference, 1 ok, 0 failed');
    expect(err()).not.toContain(CANARY);
  });

  it('is cleared the moment Ctrl-C aborts the run (the process ends right after)', async () => {
    endpoint().injectFault({ kind: 'delay', ms: 3_000 });
    const { io, err } = ttyIo(oneRef, true);
    const controller = new AbortController();
    const running = runCli(['check'], io, { signal: controller.signal });
    for (let tries = 0; !err().includes('checking references') && tries < 150; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The line appears after about a second, counting it as 1 s (2 s only if the timer was held back).
    expect(err()).toMatch(/secret-refs: checking references… [12] s/);
    controller.abort();
    expect(err().endsWith('\r\x1b[K')).toBe(true);
    await running;
  });

  it('never when stderr is not a terminal, nor for a fast run', async () => {
    endpoint().injectFault({ kind: 'delay', ms: 1_400 });
    const slow = ttyIo(oneRef, false);
    expect(await runCli(['check'], slow.io)).toBe(0);
    expect(slow.err()).toBe('');
    const fast = ttyIo(oneRef, true);
    expect(await runCli(['check'], fast.io)).toBe(0);
    expect(fast.err()).toBe('');
  });
});
