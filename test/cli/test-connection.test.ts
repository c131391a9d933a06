import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { fakeManager, makeIo } from './helpers.js';

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
    const { io, out } = makeIo();
    expect(
      await runCli(['test-connection'], io, { createManager: () => fakeManager({}, { connection }) }),
    ).toBe(1);
    expect(out()).toBe(
      'failed: invalid_credentials: The security token included in the request is invalid\n',
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
