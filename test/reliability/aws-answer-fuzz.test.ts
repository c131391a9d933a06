import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretRefError } from '../../src/errors.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import type { FetchResult } from '../../src/types.js';
import { arnOf, type HostileAnswer, useHostileEndpoint } from '../support/hostile-endpoint/index.js';

const OWN = '123456789012';
const OTHER = '210987654321';
const NAMES = ['a', 'b', 'db'];
const SECRETS = NAMES.flatMap((name) => [OWN, OTHER].map((account) => ({ name, account })));
const secretValueOf = (secret: { name: string; account: string }): string =>
  `secret:${secret.account}:${secret.name}`;

const hostile = useHostileEndpoint();

/** Anything JSON can say, where a field of one type is expected. */
const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constant(200_000_000),
  fc.string({ maxLength: 8 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

/** One batch entry: a secret of the pool, each field told truly, left out, or replaced by junk. */
const entryArb = fc
  .record({
    secret: fc.constantFrom(...SECRETS),
    arn: fc.constantFrom('true', 'partial', 'absent', 'junk'),
    name: fc.constantFrom('true', 'absent', 'junk'),
    value: fc.constantFrom('string', 'absent', 'junk', 'binary-junk'),
    stages: fc.constantFrom('true', 'absent', 'junk'),
    junk,
  })
  .map(({ secret, arn, name, value, stages, junk: bad }) => {
    const entry: Record<string, unknown> = {};
    if (arn === 'true') entry.ARN = arnOf(secret.name, { account: secret.account });
    if (arn === 'partial') entry.ARN = arnOf(secret.name, { account: secret.account }).slice(0, -7);
    if (arn === 'junk') entry.ARN = bad;
    if (name === 'true') entry.Name = secret.name;
    if (name === 'junk') entry.Name = bad;
    if (value === 'string') entry.SecretString = secretValueOf(secret);
    if (value === 'junk') entry.SecretString = bad;
    if (value === 'binary-junk') entry.SecretBinary = bad;
    if (stages === 'true') entry.VersionStages = ['AWSCURRENT'];
    if (stages === 'junk') entry.VersionStages = bad;
    return entry;
  });

/** A whole batch page: well-formed lists of odd entries, or any JSON at all. */
const pageArb = fc.oneof(
  fc.record(
    {
      SecretValues: fc.oneof(fc.array(fc.oneof(entryArb, junk), { maxLength: 8 }), junk),
      Errors: fc.oneof(
        fc.array(
          fc.record({
            SecretId: fc.oneof(fc.constantFrom(...NAMES), junk),
            ErrorCode: fc.oneof(fc.constantFrom('ResourceNotFoundException', 'AccessDeniedException'), junk),
          }),
          { maxLength: 3 },
        ),
        junk,
      ),
      NextToken: fc.oneof(fc.constant('same'), junk),
    },
    { requiredKeys: ['SecretValues'] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

/** An id the caller may ask for, with the secret it names (a name names the caller's own account's). */
const idArb = fc.oneof(
  fc.constantFrom(...NAMES).map((name) => ({ id: name, secret: { name, account: OWN } })),
  fc
    .constantFrom(...SECRETS)
    .map((secret) => ({ id: arnOf(secret.name, { account: secret.account }), secret })),
  fc
    .constantFrom(...SECRETS)
    .map((secret) => ({ id: arnOf(secret.name, { account: secret.account }).slice(0, -7), secret })),
);

function checkResult(result: FetchResult | undefined, own: string, others: ReadonlySet<string>): void {
  expect(result).toBeDefined();
  if (result?.ok === false) {
    expect(result.error).toBeInstanceOf(SecretRefError);
    expect(result.error.code).toMatch(/^[a-z]+(?:_[a-z]+)*$/);
    return;
  }
  const value = result?.payload.secretString;
  if (value !== undefined && value !== own) expect(others.has(value)).toBe(false);
}

describe('AWS answers of arbitrary shape, through the real SDK', () => {
  it('every id gets a value or a typed error, never another id’s value, never a hang or an untyped throw', async () => {
    const { endpoint, region, credentials } = hostile();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(idArb, { minLength: 2, maxLength: 5, selector: (item) => item.id }),
        fc.array(pageArb, { minLength: 1, maxLength: 3 }),
        fc.oneof(fc.constant('truthful'), fc.constant('junk'), entryArb),
        async (ids, pages, single) => {
          // Prepare: batch pages as generated; GetSecretValue truthful, junk, or an odd entry.
          hostile().setHandler(({ action, input, index }): HostileAnswer => {
            if (action === 'BatchGetSecretValue') return { body: pages[Math.min(index, pages.length - 1)] };
            const asked = ids.find((item) => item.id === input.SecretId);
            if (single === 'truthful' && asked !== undefined) {
              const { name, account } = asked.secret;
              return {
                body: {
                  ARN: arnOf(name, { account }),
                  Name: name,
                  SecretString: secretValueOf(asked.secret),
                },
              };
            }
            // An odd entry keeps its odd fields, but not a pool value: an answer that names no secret (or one that
            // fits) and holds another secret's value is a lie no client can see through.
            if (typeof single === 'string') return { body: { SecretString: 5, ARN: [], Name: {} } };
            return {
              body: {
                ...single,
                ...(typeof single.SecretString === 'string' ? { SecretString: 'odd' } : {}),
              },
            };
          });
          const provider = createAwsProvider({ endpoint, region, ...credentials, maxAttempts: 1 });

          // Act
          const results = await provider.fetchMany(ids.map(({ id }) => ({ secretId: id })));

          // Assess
          expect(results).toHaveLength(ids.length);
          ids.forEach(({ secret }, index) => {
            const own = secretValueOf(secret);
            const others = new Set(
              ids.map((item) => secretValueOf(item.secret)).filter((value) => value !== own),
            );
            checkResult(results[index], own, others);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('GetSecretValue answers of any JSON shape give a payload or a typed error', async () => {
    const { endpoint, region, credentials } = hostile();
    await fc.assert(
      fc.asyncProperty(fc.oneof(entryArb, fc.jsonValue({ maxDepth: 3 })), async (body) => {
        hostile().setHandler(() => ({ body }));
        const provider = createAwsProvider({ endpoint, region, ...credentials, maxAttempts: 1 });

        const outcome = await provider.fetch({ secretId: 'a' }).then(
          (payload) => ({ payload }),
          (error: unknown) => ({ error }),
        );

        if ('error' in outcome) {
          expect(outcome.error).toBeInstanceOf(SecretRefError);
        } else {
          const { secretString, secretBinary } = outcome.payload;
          expect(secretString === undefined || typeof secretString === 'string').toBe(true);
          expect(secretBinary === undefined || secretBinary instanceof Uint8Array).toBe(true);
          expect(secretBinary?.length ?? 0).toBeLessThan(1000);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('ListSecrets pages of any JSON shape end in names or a typed error, never a loop', async () => {
    const { endpoint, region, credentials } = hostile();
    const listEntry = fc.oneof(
      fc.record(
        { Name: fc.oneof(fc.constantFrom(...NAMES), junk), ARN: junk, Tags: junk, LastChangedDate: junk },
        { requiredKeys: [] },
      ),
      junk,
    );
    const listPage = fc.oneof(
      fc.record(
        {
          SecretList: fc.oneof(fc.array(listEntry, { maxLength: 4 }), junk),
          NextToken: fc.oneof(fc.constantFrom('t1', 't2'), junk),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(listPage, { minLength: 1, maxLength: 4 }), async (pages) => {
        hostile().setHandler(({ index }) => ({ body: pages[index % pages.length] }));
        const provider = createAwsProvider({ endpoint, region, ...credentials, maxAttempts: 1 });
        const names: unknown[] = [];

        const outcome = await (async () => {
          for await (const secret of provider.listSecrets()) names.push(secret.name);
        })().then(
          () => undefined,
          (error: unknown) => error,
        );

        if (outcome !== undefined) expect(outcome).toBeInstanceOf(SecretRefError);
        for (const name of names) expect(typeof name).toBe('string');
        // Pages come round again after `pages.length` requests: the first token seen twice ends the listing, so no
        // listing asks more than once per page plus the request that shows the repeat.
        expect(hostile().requests.length).toBeLessThanOrEqual(pages.length + 1);
      }),
      { numRuns: 100 },
    );
  });
});
