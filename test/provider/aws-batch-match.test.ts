import {
  BatchGetSecretValueCommand,
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsSecretsManager, resolveConnection } from '../../src/index.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import type { FetchResult } from '../../src/types.js';

const smMock = mockClient(SecretsManagerClient);
const OWN = '123456789012';
const OTHER = '210987654321';
const REGION = 'us-east-1';

const arnOf = (name: string, account = OWN): string =>
  `arn:aws:secretsmanager:${REGION}:${account}:secret:${name}-AbCdEf`;
const entryOf = (name: string, account = OWN) => ({
  ARN: arnOf(name, account),
  Name: name,
  VersionId: `v-${account}`,
  SecretString: `${account}:${name}`,
});
const answerOf = (result: FetchResult | undefined): string | undefined =>
  result === undefined ? undefined : result.ok ? result.payload.secretString : `error:${result.error.code}`;

/** Answers GetSecretValue as AWS does: by the secret the id names (a name names the caller's own account). */
function answerGetTruthfully(): void {
  smMock.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => {
    const id = input.SecretId ?? '';
    const match = /^arn:aws:secretsmanager:[^:]+:(\d{12}):secret:(.+?)(-AbCdEf)?$/.exec(id);
    return match === null ? entryOf(id) : entryOf(match[2]!, match[1]!);
  });
}

const getIds = (): (string | undefined)[] =>
  smMock.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId);

describe('batch answers are matched to their own ids', () => {
  beforeEach(() => {
    smMock.reset();
    answerGetTruthfully();
  });

  for (const order of ['other account first', 'own account first']) {
    it(`a name is never answered by another account's entry of the same name (${order})`, async () => {
      // Prepare
      const entries = [entryOf('prod/db', OTHER), entryOf('prod/db', OWN)];
      if (order === 'own account first') entries.reverse();
      smMock.on(BatchGetSecretValueCommand).resolves({ SecretValues: entries, Errors: [] });
      const provider = createAwsProvider({ region: REGION });

      // Act
      const results = await provider.fetchMany([
        { secretId: 'prod/db' },
        { secretId: arnOf('prod/db', OTHER) },
      ]);

      // Assess
      expect(results.map(answerOf)).toEqual([`${OWN}:prod/db`, `${OTHER}:prod/db`]);
      expect(getIds()).toEqual(['prod/db']);
    });
  }

  it("a name whose only fitting entry is another id's ARN is fetched on its own", async () => {
    smMock.on(BatchGetSecretValueCommand).resolves({ SecretValues: [entryOf('prod/db', OTHER)], Errors: [] });
    const provider = createAwsProvider({ region: REGION });

    const results = await provider.fetchMany([
      { secretId: 'prod/db' },
      { secretId: arnOf('prod/db', OTHER) },
    ]);

    expect(results.map(answerOf)).toEqual([`${OWN}:prod/db`, `${OTHER}:prod/db`]);
    expect(getIds()).toEqual(['prod/db']);
  });

  it('a name that one entry fits is answered by it, without a call of its own', async () => {
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [entryOf('b'), entryOf('prod/db', OTHER), entryOf('a')],
      Errors: [],
    });
    const provider = createAwsProvider({ region: REGION });

    const results = await provider.fetchMany([
      { secretId: 'a' },
      { secretId: 'b' },
      { secretId: arnOf('prod/db', OTHER) },
    ]);

    expect(results.map(answerOf)).toEqual([`${OWN}:a`, `${OWN}:b`, `${OTHER}:prod/db`]);
    expect(getIds()).toEqual([]);
  });

  it('a name that two entries fit (two accounts, no ARN asked) is fetched on its own', async () => {
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [entryOf('prod/db', OTHER), entryOf('prod/db', OWN)],
      Errors: [],
    });
    const provider = createAwsProvider({ region: REGION });

    const results = await provider.fetchMany([{ secretId: 'prod/db' }, { secretId: 'other' }]);

    expect(results.map(answerOf)).toEqual([`${OWN}:prod/db`, `${OWN}:other`]);
    expect(getIds().sort()).toEqual(['other', 'prod/db']);
  });

  it('a name is only answered by an entry of the configured region', async () => {
    const elsewhere = { ...entryOf('prod/db'), ARN: arnOf('prod/db').replace(REGION, 'eu-west-1') };
    smMock.on(BatchGetSecretValueCommand).resolves({ SecretValues: [elsewhere, entryOf('b')], Errors: [] });
    const provider = createAwsProvider({ region: REGION });

    const results = await provider.fetchMany([{ secretId: 'prod/db' }, { secretId: 'b' }]);

    expect(results.map(answerOf)).toEqual([`${OWN}:prod/db`, `${OWN}:b`]);
    expect(getIds()).toEqual(['prod/db']);
  });

  it('entries with one ARN and different values are never chosen between', async () => {
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [{ ...entryOf('a'), SecretString: 'forged' }, entryOf('a'), entryOf('b'), entryOf('b')],
      Errors: [],
    });
    const provider = createAwsProvider({ region: REGION });

    const results = await provider.fetchMany([{ secretId: arnOf('a') }, { secretId: 'b' }]);

    expect(results.map(answerOf)).toEqual([`${OWN}:a`, `${OWN}:b`]);
    expect(getIds()).toEqual([arnOf('a')]);
  });

  it("Errors[] match their id exactly (a full ARN's error never fails its partial ARN)", async () => {
    const partial = arnOf('svc').slice(0, -7);
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [entryOf('b')],
      Errors: [{ SecretId: arnOf('svc'), ErrorCode: 'AccessDeniedException', Message: 'denied' }],
    });
    const provider = createAwsProvider({ region: REGION });

    const results = await provider.fetchMany([{ secretId: partial }, { secretId: 'b' }]);

    expect(results.map(answerOf)).toEqual([`${OWN}:svc`, `${OWN}:b`]);
    expect(getIds()).toEqual([partial]);
  });

  it('an id with both an entry and an error entry is fetched on its own', async () => {
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [entryOf('a'), entryOf('b')],
      Errors: [{ SecretId: 'a', ErrorCode: 'ResourceNotFoundException', Message: 'gone' }],
    });
    const provider = createAwsProvider({ region: REGION });

    const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    expect(results.map(answerOf)).toEqual([`${OWN}:a`, `${OWN}:b`]);
    expect(getIds()).toEqual(['a']);
  });

  // The answer holds every id's own entry (or, for ids it leaves out, no entry of another account fits them),
  // plus duplicates, extras of both accounts and unrelated error entries, in any order. An endpoint that both leaves
  // out a name's entry and puts another account's entry of that name in its place tells a lie no answer can expose:
  // GetSecretValue could tell it too.
  it('every id gets its own value, whatever the order, extras and duplicates of the answer', async () => {
    const names = ['a', 'b', 'prod/db'];
    const idArb = fc.oneof(
      fc.constantFrom(...names).map((name) => ({ id: name, name, account: OWN })),
      fc
        .record({ name: fc.constantFrom(...names), account: fc.constantFrom(OWN, OTHER) })
        .map(({ name, account }) => ({ id: arnOf(name, account), name, account })),
      fc
        .record({ name: fc.constantFrom(...names), account: fc.constantFrom(OWN, OTHER) })
        .map(({ name, account }) => ({ id: arnOf(name, account).slice(0, -7), name, account })),
    );
    const extraArb = fc.record({
      name: fc.constantFrom(...names, 'x'),
      account: fc.constantFrom(OWN, OTHER),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(idArb, { minLength: 2, maxLength: 8, selector: (item) => item.id }),
        fc.array(extraArb, { maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.array(fc.constantFrom(...names, arnOf('a')), { maxLength: 3 }),
        fc.infiniteStream(fc.nat()),
        async (ids, extras, dropped, errorIds, shuffle) => {
          // Prepare
          smMock.reset();
          answerGetTruthfully();
          const droppedIds = ids.filter((_, index) => dropped[index]);
          const kept = extras.filter(
            (extra) => !droppedIds.some((id) => id.name === extra.name && id.account !== extra.account),
          );
          const all = [
            ...ids.filter((_, index) => !dropped[index]).map(({ name, account }) => entryOf(name, account)),
            ...kept.map(({ name, account }) => entryOf(name, account)),
          ];
          const order = [...shuffle.take(all.length)];
          const answer = all
            .map((entry, index) => ({ entry, key: order[index]! }))
            .sort((x, y) => x.key - y.key)
            .map(({ entry }) => entry);
          const errors = errorIds
            .filter((id) => !ids.some((asked) => asked.id === id))
            .map((id) => ({ SecretId: id, ErrorCode: 'AccessDeniedException', Message: 'denied' }));
          smMock.on(BatchGetSecretValueCommand).resolves({ SecretValues: answer, Errors: errors });
          const provider = createAwsProvider({ region: REGION });

          // Act
          const results = await provider.fetchMany(ids.map(({ id }) => ({ secretId: id })));

          // Assess
          expect(results.map(answerOf)).toEqual(ids.map(({ name, account }) => `${account}:${name}`));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('batch entries without ARN (as minimal test mocks write them)', () => {
  const bare = (name: string, value = `${OWN}:${name}`) => ({ Name: name, SecretString: value });

  beforeEach(() => {
    smMock.reset();
    answerGetTruthfully();
  });

  it('answer the names asked for: 25 secrets cost two batch calls and no single read', async () => {
    // Prepare
    smMock.on(BatchGetSecretValueCommand).callsFake(async (input: { SecretIdList?: string[] }) => ({
      SecretValues: (input.SecretIdList ?? []).map((id) => bare(id)),
    }));
    const manager = createAwsSecretsManager({ region: REGION });
    const ids = Array.from({ length: 25 }, (_, index) => `svc/s${index}`);
    const connection = Object.fromEntries(ids.map((id) => [id, `{{resolve:secretsmanager:${id}}}`]));

    // Act
    const resolved = await resolveConnection(connection, manager);

    // Assess
    expect(resolved).toEqual(Object.fromEntries(ids.map((id) => [id, `${OWN}:${id}`])));
    expect(smMock.commandCalls(BatchGetSecretValueCommand)).toHaveLength(2);
    expect(getIds()).toEqual([]);
    expect(manager.stats().apiCalls).toBe(2);
  });

  it('never answer a name when an ARN is asked in the same call (the entry may be that account’s)', async () => {
    // Prepare
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [bare('prod/db', `${OTHER}:prod/db`), entryOf('prod/db', OTHER)],
    });
    const provider = createAwsProvider({ region: REGION });

    // Act
    const results = await provider.fetchMany([
      { secretId: 'prod/db' },
      { secretId: arnOf('prod/db', OTHER) },
    ]);

    // Assess
    expect(results.map(answerOf)).toEqual([`${OWN}:prod/db`, `${OTHER}:prod/db`]);
    expect(getIds()).toEqual(['prod/db']);
  });

  it('two entries of one name are never chosen between, even with one value', async () => {
    // Prepare
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [bare('a', 'forged'), bare('a'), bare('b'), { SecretString: 'no name' }],
    });
    const provider = createAwsProvider({ region: REGION });

    // Act
    const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    // Assess
    expect(results.map(answerOf)).toEqual([`${OWN}:a`, `${OWN}:b`]);
    expect(getIds()).toEqual(['a']);
  });

  it('a name that an entry with ARN and one without both fit is fetched on its own', async () => {
    // Prepare
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [bare('a', 'forged'), entryOf('a', OTHER), bare('b')],
    });
    const provider = createAwsProvider({ region: REGION });

    // Act
    const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    // Assess
    expect(results.map(answerOf)).toEqual([`${OWN}:a`, `${OWN}:b`]);
    expect(getIds()).toEqual(['a']);
  });

  it('an entry without ARN that is not the current version is not served', async () => {
    // Prepare
    smMock.on(BatchGetSecretValueCommand).resolves({
      SecretValues: [{ ...bare('a', 'old'), VersionStages: ['AWSPREVIOUS'] }, bare('b')],
    });
    const provider = createAwsProvider({ region: REGION });

    // Act
    const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    // Assess
    expect(results.map(answerOf)).toEqual(['error:provider_error', `${OWN}:b`]);
  });
});

describe('batch entries without Name', () => {
  beforeEach(() => {
    smMock.reset();
    answerGetTruthfully();
  });

  it("answer a name by their ARN's name, under the same rules as a Name", async () => {
    // Prepare
    const { Name: _a, ...a } = entryOf('a');
    const { Name: _b, ...b } = entryOf('b');
    const { Name: _other, ...other } = entryOf('c', OTHER);
    smMock.on(BatchGetSecretValueCommand).resolves({ SecretValues: [a, b, other, entryOf('c')] });
    const provider = createAwsProvider({ region: REGION });

    // Act
    const results = await provider.fetchMany([{ secretId: 'a' }, { secretId: 'b' }, { secretId: 'c' }]);

    // Assess
    expect(results.map(answerOf)).toEqual([`${OWN}:a`, `${OWN}:b`, `${OWN}:c`]);
    expect(getIds()).toEqual(['c']);
  });
});
