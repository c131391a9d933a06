import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { SecretFetchError } from '../../src/errors.js';
import type { SecretManager } from '../../src/manager/types.js';
import { fakeManager, makeIo } from './helpers.js';

const listed = [
  {
    name: 'prod/db',
    arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf',
    lastChangedDate: new Date('2026-01-02T03:04:05Z'),
  },
  { name: 'prod/api', description: 'API key' },
  { name: 'dev/db' },
];

describe('secret-refs list', () => {
  it('prints one name per line, filtered by --prefix', async () => {
    const manager = fakeManager({}, { listed });
    const { io, out } = makeIo();
    expect(await runCli(['list', '--prefix', 'prod/'], io, { createManager: () => manager })).toBe(0);
    expect(out()).toBe('prod/db\nprod/api\n');
    expect(manager.log.listPrefixes).toEqual(['prod/']);
  });

  it('prints the ARN and change date with --long, JSON with --json', async () => {
    const long = makeIo();
    await runCli(['list', '-l'], long.io, { createManager: () => fakeManager({}, { listed }) });
    expect(long.out().split('\n')[0]).toBe(
      'prod/db\tarn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf\t2026-01-02T03:04:05.000Z',
    );
    expect(long.out().split('\n')[1]).toBe('prod/api\t-\t-');

    const json = makeIo();
    await runCli(['list', '--json'], json.io, { createManager: () => fakeManager({}, { listed }) });
    expect(JSON.parse(json.out())).toEqual([
      { name: 'prod/db', arn: listed[0]?.arn, lastChangedDate: '2026-01-02T03:04:05.000Z' },
      { name: 'prod/api', description: 'API key' },
      { name: 'dev/db' },
    ]);
  });

  it('says in its help that it lists Secrets Manager secrets, not Parameter Store parameters', async () => {
    const { io, out } = makeIo();
    expect(await runCli(['list', '--help'], io)).toBe(0);
    expect(out()).toContain('List Secrets Manager secret names');
    expect(out()).toContain('Parameter Store parameters are not listed');
  });

  it('a failing listing is exit 1 with the code', async () => {
    const manager: SecretManager = {
      ...fakeManager({}),
      // biome-ignore lint/correctness/useYield: fails before the first page
      async *listSecrets() {
        throw new SecretFetchError('access_denied', 'Not allowed to call ListSecrets');
      },
    };
    const { io, err } = makeIo();
    expect(await runCli(['list'], io, { createManager: () => manager })).toBe(1);
    expect(err()).toBe('secret-refs: access_denied: Not allowed to call ListSecrets\n');
  });
});
