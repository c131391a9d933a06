import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { CANARY } from '../support/canary.js';
import { runCliProcess } from '../support/cli-spawn.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';
import { endpointEnv, fakeManager, makeIo } from './helpers.js';

describe('secret-refs test-connection', () => {
  it('prints ok with the region and latency, exit 0', async () => {
    const { io, out } = makeIo();
    const manager = fakeManager({}, { connection: { ok: true, latencyMs: 12.4, region: 'eu-west-1' } });
    expect(await runCli(['test-connection'], io, { createManager: () => manager })).toBe(0);
    expect(out()).toBe('ok (eu-west-1) in 12 ms\n');
  });

  it('prints the code and message of a failure, exit 1', async () => {
    const connection = {
      ok: false as const,
      code: 'invalid_credentials' as const,
      message: 'The security token included in the request is invalid',
      latencyMs: 40,
    };
    const { io, out, err } = makeIo();
    expect(
      await runCli(['test-connection'], io, { createManager: () => fakeManager({}, { connection }) }),
    ).toBe(1);
    expect(out()).toBe('');
    expect(err()).toBe(
      'secret-refs: test-connection failed: invalid_credentials: The security token included in the request is invalid\n',
    );

    const json = makeIo();
    expect(
      await runCli(['test-connection', '--json'], json.io, {
        createManager: () => fakeManager({}, { connection }),
      }),
    ).toBe(1);
    expect(JSON.parse(json.out())).toEqual(connection);
  });
});

describe('secret-refs test-connection against the local endpoint', () => {
  const endpoint = useLocalEndpoint({
    region: 'eu-west-1',
    secrets: [{ name: 'prod/db', secretString: JSON.stringify({ password: CANARY }) }],
  });

  const env = (overrides: Record<string, string> = {}) => endpointEnv(endpoint(), overrides);

  it('keys that may not list: "authenticated, listing not allowed", exit 0, with account and principal (the built CLI)', async () => {
    endpoint().denyActions(['ListSecrets']);
    const result = await runCliProcess(['test-connection'], { env: env() });
    const { accountId } = endpoint();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      new RegExp(
        `^authenticated, listing not allowed \\(eu-west-1, http://127\\.0\\.0\\.1:\\d+\\) in \\d+ ms; account ${accountId}, as arn:aws:iam::${accountId}:user/\\S+\\n$`,
      ),
    );
  });

  it('refused keys are distinct: failed, invalid_credentials, exit 1, in the CLI words', async () => {
    const { io, err } = makeIo({ env: env({ AWS_SECRET_ACCESS_KEY: `${CANARY}-wrong` }) });
    expect(await runCli(['test-connection'], io)).toBe(1);
    expect(err()).toMatch(/^secret-refs: test-connection failed: invalid_credentials: /);
    expect(err()).toContain('AWS_SECRET_ACCESS_KEY');
    expect(err()).not.toContain(CANARY);
  });

  it('--secret tests one secret: ok when reachable, exit 1 naming the code when not; never a value', async () => {
    const ok = makeIo({ env: env() });
    expect(await runCli(['test-connection', '--secret', 'prod/db'], ok.io)).toBe(0);
    expect(ok.out()).toMatch(
      /^ok: secret prod\/db is reachable \(eu-west-1, http:\/\/127\.0\.0\.1:\d+\) in \d+ ms/,
    );
    expect(endpoint().requests.map((request) => request.action)).not.toContain('ListSecrets');

    const missing = makeIo({ env: env() });
    expect(await runCli(['test-connection', '--secret', 'prod/missing'], missing.io)).toBe(1);
    expect(missing.err()).toMatch(/^secret-refs: test-connection failed: secret_not_found: /);

    const json = makeIo({ env: env() });
    expect(await runCli(['test-connection', '--secret', 'prod/db', '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ ok: true, secretId: 'prod/db' });
    for (const text of [ok.out(), missing.err(), json.out()]) expect(text).not.toContain(CANARY);
  });
});
