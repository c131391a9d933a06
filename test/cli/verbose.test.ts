import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { chainSource, describeSource } from '../../src/cli/credential-source.js';
import { createCliManager } from '../../src/cli/manager.js';
import type { SecretEvent } from '../../src/events.js';
import { CANARY } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';
import { endpointEnv, makeIo } from './helpers.js';

const endpoint = useLocalEndpoint({
  region: 'eu-west-1',
  secrets: [
    { name: 'prod/db', secretString: JSON.stringify({ user: 'app', password: CANARY }) },
    { name: 'prod/api', secretString: CANARY },
  ],
  parameters: [{ name: '/prod/token', value: `${CANARY}-param`, type: 'SecureString' }],
});

const env = (): Record<string, string> => ({
  ...endpointEnv(endpoint()),
  AWS_ENDPOINT_URL_SSM: endpoint().endpoint,
});

/** Runs the CLI in-process with the real manager, keeping every event it emitted. */
async function run(argv: string[], stdin?: string, extraEnv: Record<string, string> = {}) {
  const io = makeIo({ ...(stdin === undefined ? {} : { stdin }), env: { ...env(), ...extraEnv } });
  const events: SecretEvent[] = [];
  const code = await runCli(argv, io.io, {
    createManager: (options) =>
      createCliManager({
        ...options,
        onEvent: (event) => {
          events.push(event);
          options.onEvent?.(event);
        },
      }),
  });
  return { code, out: io.out(), err: io.err(), events };
}

function expectNoCanary(...texts: unknown[]): void {
  for (const text of texts) expect(JSON.stringify(text)).not.toContain(CANARY);
  for (const text of texts) {
    expect(JSON.stringify(text)).not.toContain(endpoint().credentials.secretAccessKey);
  }
}

const REQUEST_ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('--verbose', () => {
  it('prints each AWS call (service, action, ids, region, host, status, request id, attempts, time), the credential source and the cache counts; never a value', async () => {
    const doc = JSON.stringify({
      a: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
      b: '{{resolve:secretsmanager:prod/api}}',
      c: '{{resolve:ssm-secure:/prod/token}}',
    });
    const result = await run(['resolve', '--verbose'], doc);
    expect(result.code).toBe(0);
    const host = new URL(endpoint().endpoint).host;
    const lines = result.err.trimEnd().split('\n');
    expect(lines).toContain(
      'secret-refs: credentials: environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)',
    );
    expect(result.err).toMatch(
      new RegExp(
        `^secret-refs: secretsmanager BatchGetSecretValue \\(2 ids\\) eu-west-1 ${host}: HTTP 200, request ${REQUEST_ID}, 1 attempt, \\d+ ms$`,
        'm',
      ),
    );
    expect(result.err).toMatch(
      new RegExp(
        `^secret-refs: ssm GetParameters \\(1 id\\) eu-west-1 ${host}: HTTP 200, request ${REQUEST_ID}, 1 attempt, \\d+ ms$`,
        'm',
      ),
    );
    expect(lines.at(-1)).toBe('secret-refs: cache: 0 hits, 3 misses; 2 AWS calls');
    // The values are the output (stdout); nowhere else.
    expect(result.out).toContain(CANARY);
    expectNoCanary(result.err, result.events);
  });

  it('says how a failing call failed: the error name, the status, the attempts', async () => {
    endpoint().injectFault({ kind: 'throttle', times: Number.POSITIVE_INFINITY });
    const throttled = await run(['get', '--verbose', '--max-attempts', '2', 'prod/db:password']);
    expect(throttled.code).toBe(1);
    expect(throttled.err).toMatch(
      new RegExp(
        `^secret-refs: secretsmanager GetSecretValue \\(1 id\\) eu-west-1 \\S+: failed \\(ThrottlingException\\), HTTP 400, request ${REQUEST_ID}, 2 attempts, \\d+ ms$`,
        'm',
      ),
    );
    endpoint().clearFaults();
    const missing = await run(
      ['check', '--verbose'],
      JSON.stringify({ a: '{{resolve:secretsmanager:nope}}' }),
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(
      /^secret-refs: secretsmanager GetSecretValue \(1 id\) .*: failed \(ResourceNotFoundException\), HTTP 400, /m,
    );
    expectNoCanary(throttled.out, throttled.err, throttled.events, missing.out, missing.err, missing.events);
  });

  it('counts cache hits: run reads the resolved values again to mask them', async () => {
    const result = await run(
      ['run', '--verbose', '--', process.execPath, '-e', 'console.log(process.env.PASSWORD)'],
      undefined,
      { PASSWORD: '{{resolve:secretsmanager:prod/db:SecretString:password}}' },
    );
    expect(result.code).toBe(0);
    expect(result.out).toBe('****\n');
    expect(result.err).toContain('secret-refs: cache: 1 hit, 1 miss; 1 AWS call\n');
    expectNoCanary(result.out, result.err, result.events);
  });

  it('is quiet without the flag, and list and test-connection print their calls with it', async () => {
    const quiet = await run(['get', 'prod/db:user']);
    expect(quiet).toMatchObject({ code: 0, out: 'app\n', err: '' });
    const listed = await run(['list', '-v']);
    expect(listed.code).toBe(0);
    expect(listed.err).toMatch(/^secret-refs: secretsmanager ListSecrets eu-west-1 \S+: HTTP 200, /m);
    const tested = await run(['test-connection', '--verbose', '--secret', 'prod/api']);
    expect(tested.code).toBe(0);
    expect(tested.err).toMatch(/^secret-refs: secretsmanager DescribeSecret \(1 id\) /m);
    expectNoCanary(listed.err, tested.out, tested.err, tested.events);
  });

  it('is in the help of the AWS commands, not of cache', async () => {
    const help = makeIo();
    await runCli(['get', '--help'], help.io);
    expect(help.out()).toContain('-v, --verbose');
    const cache = makeIo();
    await runCli(['cache', '--help'], cache.io);
    expect(cache.out()).not.toContain('--verbose');
  });
});

describe('the credential source line', () => {
  it("names the default chain's link from the SDK's marks on the identity, never a key", () => {
    const identity = (marks: Record<string, string>) => ({
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: CANARY,
      sessionToken: CANARY,
      $source: marks,
    });
    expect(chainSource(identity({ CREDENTIALS_IMDS: '0' }))).toBe(
      "the SDK's default chain: instance metadata (IMDS)",
    );
    expect(chainSource(identity({ CREDENTIALS_HTTP: 'z' }))).toBe(
      "the SDK's default chain: container credentials endpoint (ECS, EKS Pod Identity)",
    );
    expect(chainSource(identity({ CREDENTIALS_PROFILE_PROCESS: 'v', CREDENTIALS_PROCESS: 'w' }))).toBe(
      'the SDK\'s default chain: profile "default": credential_process',
    );
    expect(chainSource(identity({}))).toBe("the SDK's default chain: a source the SDK did not name");
    expect(describeSource({ profile: { name: 'ops', from: '--profile', kind: 'sso' } })).toBe(
      'profile "ops" (--profile): SSO (IAM Identity Center)',
    );
  });
});
