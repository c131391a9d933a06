import { describe, expect, it } from 'vitest';
import { cacheKey, secretIdOfKey } from '../../src/cache/cache-key.js';
import { Entry, stamp } from '../../src/cache/entry.js';
import { nameOfArn } from '../../src/cache/secret-names.js';

const owner = { identity: 'aws|us-east-1||key:a\\b|c' };
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';

describe('cache entries', () => {
  it('reads the secret id back from a cache key, whatever characters either holds', () => {
    for (const secretId of ['prod/db', ARN, 'a|b', 'a\\b', '\\|\\|', '|', '']) {
      for (const locator of [
        { secretId },
        { secretId, versionStage: 'AWSPREVIOUS' },
        { secretId, versionId: 'v|1' },
      ]) {
        expect(secretIdOfKey(cacheKey(owner.identity, locator), owner.identity)).toBe(secretId);
      }
    }
    expect(secretIdOfKey('other|prod/db|-|-', owner.identity)).toBeUndefined();
    expect(secretIdOfKey('a', 'a')).toBeUndefined();
  });

  it('takes the name from the ARN only when it has the form AWS gives', () => {
    expect(nameOfArn(ARN)).toBe('prod/db');
    expect(nameOfArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db')).toBeUndefined();
    expect(nameOfArn('prod/db-AbCdEf')).toBeUndefined();
    expect(nameOfArn(undefined)).toBeUndefined();
  });

  it('gives back the payload it was made from, the name and the secret id however they were given', () => {
    const key = cacheKey(owner.identity, { secretId: 'prod/db' });
    const cases = [
      { payload: { secretString: 's', arn: ARN, name: 'prod/db', versionId: 'v1' }, secretId: 'prod/db' },
      { payload: { secretString: 's', arn: ARN, name: 'other', versionId: 'v1' }, secretId: 'prod/db' },
      { payload: { secretString: 's', arn: ARN }, secretId: 'not the one in the key' },
      { payload: { secretBinary: new Uint8Array([1, 2]), name: 'bin' }, secretId: 'prod/db' },
      { payload: { secretString: 's', secretBinary: new Uint8Array([3]) }, secretId: 'prod/db' },
    ];
    for (const { payload, secretId } of cases) {
      const entry = new Entry(payload, 1, '', owner, key, secretId);
      const read = entry.payload;
      expect({
        secretString: read.secretString,
        secretBinary: read.secretBinary,
        arn: read.arn,
        name: read.name,
        versionId: read.versionId,
      }).toEqual({
        secretString: undefined,
        secretBinary: undefined,
        arn: undefined,
        name: undefined,
        versionId: undefined,
        ...payload,
      });
      expect(entry.secretIdOf(key)).toBe(secretId);
    }
  });

  it('keeps a refresh backoff aside, and an adopted value keeps the entry fields', () => {
    const key = cacheKey(owner.identity, { secretId: 'prod/db' });
    const entry = new Entry({ secretString: 'old', arn: ARN, name: 'prod/db' }, 1, '', owner, key, 'prod/db');
    entry.expiresAt = stamp(Date.now() + 1_000);
    entry.backoff = { failures: 2, retryAt: 5 };
    const newer = new Entry({ secretString: 'new', arn: ARN, name: 'prod/db' }, 2, '', owner, key, 'x');
    newer.json = { ok: false };
    const adopted = entry.adopting(newer, key);
    expect(adopted).toMatchObject({
      secretString: 'new',
      seq: 2,
      expiresAt: entry.expiresAt,
      json: { ok: false },
    });
    expect(adopted.backoff).toEqual({ failures: 2, retryAt: 5 });
    expect(adopted.secretIdOf(key)).toBe('prod/db');
    entry.backoff = undefined;
    expect(entry.backoff).toBeUndefined();
    expect(entry.name).toBe('prod/db');
  });
});
