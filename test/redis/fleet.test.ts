import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';
import { type Member, startMember } from './fleet.js';
import { FLAVOURS, KEY_A, rawClient, until, useRedisServer } from './helpers.js';

const redis = useRedisServer();
const IDS = Array.from({ length: 10 }, (_, index) => `app/secret-${index}`);
const SECRETS = Object.fromEntries(IDS.map((id) => [id, `value-of-${id}`]));

describe('a fleet of separate processes on one Redis (node-redis and ioredis mixed)', () => {
  const members: Member[] = [];
  beforeAll(async () => {
    const started = await Promise.all(
      [0, 1, 2, 3].map((index) =>
        startMember({
          url: redis().url,
          flavour: FLAVOURS[index % 2]!,
          namespace: 'fleet',
          secrets: SECRETS,
          latencyMs: 40,
          encryptionKey: KEY_A,
        }),
      ),
    );
    members.push(...started);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(members.map((member) => member.exit()));
  });

  it('a cold start of every process reads each secret about once, and every process gets the right values', async () => {
    const answers = await Promise.all(
      members.map((member) => member.ask<{ values: string[]; fetched: number }>({ op: 'read', ids: IDS })),
    );
    for (const answer of answers) expect(answer.values).toEqual(IDS.map((id) => SECRETS[id]));
    const fetched = answers.reduce((sum, answer) => sum + answer.fetched, 0);
    // Without the tier: 4 × 10 fetches. Each lease is taken by exactly one process: one fetch per secret.
    expect(fetched).toBe(IDS.length);
  });

  it('a value fetched by one process is read by a new process without a provider call', async () => {
    const late = await startMember({
      url: redis().url,
      flavour: 'ioredis',
      namespace: 'fleet',
      secrets: SECRETS,
      encryptionKey: KEY_A,
    });
    const answer = await late.ask<{ values: string[]; fetched: number }>({ op: 'read', ids: IDS });
    await late.exit();
    expect(answer.values).toEqual(IDS.map((id) => SECRETS[id]));
    expect(answer.fetched).toBe(0);
  });

  it('one invalidate reaches every process: all read the new value next', async () => {
    const id = IDS[0]!;
    for (const member of members) await member.ask({ op: 'set', id, value: 'rotated' });
    // Still cached everywhere (in-process and in Redis):
    for (const member of members) {
      expect((await member.ask<{ values: string[] }>({ op: 'read', ids: [id] })).values).toEqual([
        SECRETS[id],
      ]);
    }
    await members[1]!.ask({ op: 'invalidate', id });
    await until(async () => {
      const reads = await Promise.all(
        members.map((m) => m.ask<{ values: string[] }>({ op: 'read', ids: [id] })),
      );
      return reads.every((read) => read.values[0] === 'rotated');
    });
    const raw = await rawClient(redis().url);
    const dump = JSON.stringify(await raw.command(['KEYS', '*']));
    await raw.close();
    expect(dump).not.toContain('app/secret');
  });
});

describe('a fleet on the AWS provider over the local endpoint (the real SDK over HTTP)', () => {
  const endpoint = useLocalEndpoint({
    secrets: [{ name: 'prod/db', secretString: JSON.stringify({ password: CANARY }) }],
  });

  it('shares among processes with the same keys only: a wrong secret key reads nothing the others cached', async () => {
    const sm = endpoint();
    const aws = { endpoint: sm.endpoint, region: sm.region, ...sm.credentials };
    const start = (secretAccessKey: string) =>
      startMember({
        url: redis().url,
        flavour: 'node-redis',
        namespace: 'fleet-aws',
        secrets: {},
        encryptionKey: KEY_A,
        aws: { ...aws, secretAccessKey },
      });
    const [first, second, wrong] = await Promise.all([
      start(aws.secretAccessKey),
      start(aws.secretAccessKey),
      start('not-the-secret-key'),
    ]);
    try {
      const read = (member: Member) =>
        member.ask<{ values: string[] }>({ op: 'read', ids: ['prod/db:password'] });
      expect((await read(first)).values).toEqual([CANARY]);
      expect((await read(second)).values).toEqual([CANARY]);
      const calls = sm.requests.filter((request) => request.action.endsWith('SecretValue'));
      expect(calls).toHaveLength(1);
      expect((await read(wrong)).values).toEqual(['error:invalid_credentials']);
    } finally {
      await Promise.all([first, second, wrong].map((member) => member.exit()));
    }
  });
});
