import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { CANARY } from '../support/canary.js';
import { fakeManager, makeIo } from './helpers.js';

const secrets = {
  'prod/db': JSON.stringify({ password: 'pw-1' }),
  'prod/token': 'plain-token',
  'prod/cert': new Uint8Array([0, 1, 2, 255]),
};

describe('secret-refs get', () => {
  it('prints the value of any reference form, with a newline', async () => {
    const forms = [
      'prod/db:password',
      '{{resolve:secretsmanager:prod/db:SecretString:password}}',
      '{{conn-1|ap_sep_v1|prod/db:password}}',
    ];
    for (const form of forms) {
      const manager = fakeManager(secrets);
      const { io, out, err } = makeIo();
      expect(await runCli(['get', form], io, { createManager: () => manager })).toBe(0);
      expect(out()).toBe('pw-1\n');
      expect(err()).toBe('');
      expect(manager.log.getSecret).toEqual([{ secretId: 'prod/db', jsonKey: 'password' }]);
    }
  });

  it('leaves the newline out with -n', async () => {
    const { io, out } = makeIo();
    expect(await runCli(['get', '-n', 'prod/token'], io, { createManager: () => fakeManager(secrets) })).toBe(
      0,
    );
    expect(out()).toBe('plain-token');
  });

  it('writes the bytes of a binary secret with --binary', async () => {
    const { io, outBytes } = makeIo();
    expect(
      await runCli(['get', '--binary', 'prod/cert'], io, { createManager: () => fakeManager(secrets) }),
    ).toBe(0);
    expect([...outBytes()]).toEqual([0, 1, 2, 255]);
  });

  it('a failing read is exit 1 with the code and message, no value', async () => {
    const { io, out, err } = makeIo();
    const manager = fakeManager({ ...secrets, canary: JSON.stringify({ a: CANARY }) });
    expect(await runCli(['get', 'canary:b'], io, { createManager: () => manager })).toBe(1);
    expect(out()).toBe('');
    expect(err()).toBe('secret-refs: json_key_not_found: JSON key b not found in canary\n');
  });

  it('a malformed reference is bad usage, exit 2, and fetches nothing', async () => {
    const manager = fakeManager(secrets);
    const { io, err } = makeIo();
    expect(await runCli(['get', '{{resolve:secretsmanager:}}'], io, { createManager: () => manager })).toBe(
      2,
    );
    expect(err()).toMatch(/^secret-refs: invalid reference: Invalid secret reference at offset \d+: .+\n$/);
    expect(manager.log.getSecret).toEqual([]);
  });
});
