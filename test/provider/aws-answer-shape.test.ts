import { describe, expect, it } from 'vitest';
import { SecretRefError } from '../../src/errors.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';
import type { FetchResult } from '../../src/types.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import {
  arnOf,
  type HostileAnswer,
  requestedIds,
  secretEntry,
  useHostileEndpoint,
} from '../support/hostile-endpoint/index.js';

const hostile = useHostileEndpoint();

function provider() {
  const { endpoint, region, credentials } = hostile();
  return createAwsProvider({ endpoint, region, ...credentials, maxAttempts: 1 });
}

async function failureOf(promise: Promise<unknown>): Promise<SecretRefError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SecretRefError);
  expectNoCanary(error);
  return error as SecretRefError;
}

const codeOf = (result: FetchResult | undefined): string | undefined =>
  result === undefined ? undefined : result.ok ? `value:${result.payload.secretString}` : result.error.code;

describe('AWS answers of the wrong shape', () => {
  it('a number in SecretBinary is a typed provider_error, never a 200 MB allocation', async () => {
    // Prepare
    hostile().setHandler(() => ({ body: { Name: 'bin', SecretBinary: 200_000_000 } }));
    const before = process.memoryUsage().arrayBuffers;

    // Act
    const error = await failureOf(provider().fetch({ secretId: 'bin' }));

    // Assess
    expect(error.code).toBe('provider_error');
    expect(error.message).toContain('`SecretBinary` is a number, not bytes');
    expect(error.message).toContain('GetSecretValue for secret "bin"');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50_000_000);
  });

  it('a number in SecretBinary of a batch entry fails that secret only', async () => {
    hostile().setHandler(() => ({
      body: {
        SecretValues: [
          { ...secretEntry('bin', 'x'), SecretString: undefined, SecretBinary: 200_000_000 },
          secretEntry('ok', 'fine'),
        ],
        Errors: [],
      },
    }));

    const results = await provider().fetchMany([{ secretId: 'bin' }, { secretId: 'ok' }]);

    expect(results.map(codeOf)).toEqual(['provider_error', 'value:fine']);
    expectNoCanary(results);
  });

  const wrongFields: [string, Record<string, unknown>][] = [
    ['SecretString', { SecretString: 5 }],
    ['SecretString', { SecretString: { password: CANARY } }],
    ['SecretBinary', { SecretBinary: [1, 2, 3] }],
    ['ARN', { ARN: { nested: true } }],
    ['Name', { Name: 5 }],
    ['VersionId', { VersionId: ['v1'] }],
    ['VersionStages', { VersionStages: 'AWSCURRENT' }],
    ['VersionStages[0]', { VersionStages: [1] }],
  ];
  for (const [field, fields] of wrongFields) {
    it(`GetSecretValue with a wrong type in ${field} is a typed provider_error`, async () => {
      hostile().setHandler(() => ({
        body: { ARN: arnOf('db'), Name: 'db', SecretString: CANARY, ...fields },
      }));

      const error = await failureOf(provider().fetch({ secretId: 'db' }));

      expect(error.code).toBe('provider_error');
      expect(error.message).toContain(`\`${field}\``);
    });
  }

  for (const body of [null, [1, 2], 'text', 7]) {
    it(`a GetSecretValue answer that is ${JSON.stringify(body)} holds no value (the SDK drops it)`, async () => {
      hostile().setHandler(() => ({ body }));

      const payload = await provider().fetch({ secretId: 'db' });

      expect(payload).toEqual({});
    });
  }

  it('a GetSecretValue answer naming another secret is refused', async () => {
    const asked = [
      ['db', secretEntry('other', CANARY)],
      [arnOf('db'), secretEntry('other', CANARY)],
      [arnOf('db').slice(0, -7), { Name: 'other', SecretString: CANARY }],
      [arnOf('db'), { Name: 'other', SecretString: CANARY }],
      ['db', { ARN: arnOf('other'), SecretString: CANARY }],
    ] as const;
    for (const [secretId, body] of asked) {
      hostile().setHandler(() => ({ body }));

      const error = await failureOf(provider().fetch({ secretId }));

      expect(error.code).toBe('provider_error');
      expect(error.message).toContain('names another secret');
    }
  });

  it('a batch page whose lists are not lists fails every id with provider_error', async () => {
    hostile().setHandler(() => ({ body: { SecretValues: 'x', Errors: 5 } }));

    const results = await provider().fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    expect(results.map(codeOf)).toEqual(['provider_error', 'provider_error']);
  });

  it('batch entries that cannot be attributed leave their ids to GetSecretValue', async () => {
    hostile().setHandler(({ action, input }): HostileAnswer => {
      if (action === 'GetSecretValue') {
        const id = String(input.SecretId);
        return { body: secretEntry(id, `alone-${id}`) };
      }
      return {
        body: {
          SecretValues: [
            null,
            5,
            { ...secretEntry('a', CANARY), ARN: 42 },
            { ...secretEntry('b', CANARY), Name: [] },
          ],
          Errors: [null, { SecretId: 7, ErrorCode: 'ResourceNotFoundException' }],
        },
      };
    });

    const results = await provider().fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    expect(results.map(codeOf)).toEqual(['value:alone-a', 'value:alone-b']);
    expect(hostile().requests.map((request) => request.action)).toEqual([
      'BatchGetSecretValue',
      'GetSecretValue',
      'GetSecretValue',
    ]);
  });

  it('ListSecrets entries of the wrong shape end the listing with provider_error', async () => {
    for (const entry of [{ Name: 5 }, { Name: 'ok', Tags: 'x' }, { Name: 'ok', ARN: [] }, 'text']) {
      hostile().setHandler(() => ({ body: { SecretList: [entry] } }));
      const listing = (async () => {
        for await (const _ of provider().listSecrets()) {
          // draining
        }
      })();

      const error = await failureOf(listing);

      expect(error.code).toBe('provider_error');
      expect(error.message).toContain('ListSecrets');
    }
  });
});

describe('page tokens that never end', () => {
  it('a repeated NextToken in BatchGetSecretValue ends the call with a typed error', async () => {
    hostile().setHandler(({ input }) => ({
      body: {
        SecretValues: requestedIds(input)
          .slice(0, 1)
          .map((id) => secretEntry(id, 'v')),
        Errors: [],
        NextToken: 'again',
      },
    }));

    const results = await provider().fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    expect(results.map(codeOf)).toEqual(['provider_error', 'provider_error']);
    expect(results[0]?.ok === false && results[0].error.message).toContain('BatchGetSecretValue');
    expect(results[0]?.ok === false && results[0].error.message).toContain('repeated a page token');
    expect(hostile().requests).toHaveLength(2);
  });

  it('fresh NextTokens past the page bound end BatchGetSecretValue with a typed error', async () => {
    hostile().setHandler(({ index }) => ({ body: { SecretValues: [], Errors: [], NextToken: `t${index}` } }));

    const results = await provider().fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    expect(results.map(codeOf)).toEqual(['provider_error', 'provider_error']);
    expect(hostile().requests).toHaveLength(5);
  });

  it('a repeated NextToken in ListSecrets ends the listing with a typed error', async () => {
    hostile().setHandler(({ index }) => ({
      body: {
        SecretList: [{ ARN: arnOf(`s${index}`), Name: `s${index}` }],
        NextToken: index < 2 ? `t${index}` : 't0',
      },
    }));
    const names: string[] = [];
    const listing = (async () => {
      for await (const secret of provider().listSecrets()) names.push(secret.name);
    })();

    const error = await failureOf(listing);

    expect(error.code).toBe('provider_error');
    expect(error.message).toContain('ListSecrets');
    expect(error.message).toContain('repeated a page token');
    expect(names).toEqual(['s0', 's1']);
  });

  it('a NextToken that is not text ends the listing with a typed error', async () => {
    hostile().setHandler(() => ({ body: { SecretList: [], NextToken: 5 } }));
    const listing = (async () => {
      for await (const _ of provider().listSecrets()) {
        // draining
      }
    })();

    const error = await failureOf(listing);

    expect(error.code).toBe('provider_error');
    expect(error.message).toContain('`NextToken`');
  });
});

describe('error codes an endpoint makes up', () => {
  it('an error code that is not code-like is never quoted into a message', async () => {
    const junk = `X${'y'.repeat(300)} ${CANARY}`;
    hostile().setHandler(() => ({
      body: {
        SecretValues: [],
        Errors: [
          { SecretId: 'a', ErrorCode: junk },
          { SecretId: 'b', ErrorCode: junk },
        ],
      },
    }));

    const results = await provider().fetchMany([{ secretId: 'a' }, { secretId: 'b' }]);

    expect(results.map(codeOf)).toEqual(['provider_error', 'provider_error']);
    for (const result of results) {
      expectNoCanary(result);
      expect(result.ok === false && result.error.message).toContain('UnknownError');
    }
  });
});

describe('GetSecretValue answers for another version', () => {
  it('an answer whose VersionId or VersionStages do not fit the version asked for is refused', async () => {
    const cases: [Record<string, unknown>, { versionId?: string; versionStage?: string }][] = [
      [{ VersionId: 'v-other', VersionStages: ['AWSCURRENT'] }, { versionId: 'v-asked' }],
      [{ VersionId: 'v1', VersionStages: ['AWSCURRENT'] }, { versionStage: 'AWSPREVIOUS' }],
      [{ VersionId: 'v1', VersionStages: ['AWSPREVIOUS'] }, {}],
    ];
    for (const [fields, version] of cases) {
      hostile().setHandler(() => ({ body: { ...secretEntry('db', CANARY), ...fields } }));

      const error = await failureOf(provider().fetch({ secretId: 'db', ...version }));

      expect(error.code).toBe('provider_error');
      expect(error.message).toContain('another version');
    }
  });

  it('an answer that fits the version asked for is read', async () => {
    hostile().setHandler(() => ({
      body: { ...secretEntry('db', 'old'), VersionId: 'v0', VersionStages: ['AWSPREVIOUS'] },
    }));

    const byStage = await provider().fetch({ secretId: 'db', versionStage: 'AWSPREVIOUS' });
    const byId = await provider().fetch({ secretId: 'db', versionId: 'v0' });

    expect([byStage.secretString, byId.secretString]).toEqual(['old', 'old']);
  });
});

describe('batch entries of another version', () => {
  it('a batch entry that is not the current version fails that secret only', async () => {
    hostile().setHandler(() => ({
      body: {
        SecretValues: [
          { ...secretEntry('old', CANARY), VersionStages: ['AWSPREVIOUS'] },
          secretEntry('ok', 'fine'),
        ],
        Errors: [],
      },
    }));

    const results = await provider().fetchMany([{ secretId: 'old' }, { secretId: 'ok' }]);

    expect(results.map(codeOf)).toEqual(['provider_error', 'value:fine']);
    expectNoCanary(results);
  });
});
