import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cacheKey, isCurrentLocator, normalizeLocator, secretKeyPrefix } from '../../src/cache/cache-key.js';
import type { SecretLocator } from '../../src/types.js';

const part = fc.string({ unit: fc.constantFrom('a', '|', '\\', '-', '=', ':') });
const locator = fc.record(
  { secretId: part, versionStage: part, versionId: part },
  { requiredKeys: ['secretId'] },
) as fc.Arbitrary<SecretLocator>;

const same = (a: SecretLocator, b: SecretLocator): boolean =>
  JSON.stringify(normalizeLocator(a)) === JSON.stringify(normalizeLocator(b));

describe('cacheKey', () => {
  it('gives different locators or identities different keys, whatever characters they hold', () => {
    fc.assert(
      fc.property(part, locator, part, locator, (idA, a, idB, b) => {
        const equal = cacheKey(idA, a) === cacheKey(idB, b);
        expect(equal).toBe(idA === idB && same(a, b));
      }),
    );
  });

  it('puts every version of a secret, and only those, under its prefix', () => {
    fc.assert(
      fc.property(part, locator, part, (identity, target, otherId) => {
        expect(cacheKey(identity, target).startsWith(secretKeyPrefix(identity, target.secretId))).toBe(true);
        const other = { ...target, secretId: otherId };
        expect(cacheKey(identity, other).startsWith(secretKeyPrefix(identity, target.secretId))).toBe(
          otherId === target.secretId,
        );
      }),
    );
  });

  it('treats an explicit AWSCURRENT without a version id as the current version', () => {
    expect(cacheKey('aws', { secretId: 'db', versionStage: 'AWSCURRENT' })).toBe(
      cacheKey('aws', { secretId: 'db' }),
    );
    expect(isCurrentLocator(normalizeLocator({ secretId: 'db', versionStage: 'AWSCURRENT' }))).toBe(true);
    expect(cacheKey('aws', { secretId: 'db', versionStage: 'AWSPREVIOUS' })).not.toBe(
      cacheKey('aws', { secretId: 'db' }),
    );
    expect(normalizeLocator({ secretId: 'db', versionStage: 'AWSCURRENT', versionId: 'v1' })).toEqual({
      secretId: 'db',
      versionStage: 'AWSCURRENT',
      versionId: 'v1',
    });
  });
});
