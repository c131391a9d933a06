import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKey } from '../../src/redis/crypto.js';
import { anyScopeForm, createNameMemo, idForms, keyPrefix, scopeNames } from '../../src/redis/names.js';

const key = deriveKey(randomBytes(32));
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';

describe('names in Redis', () => {
  it('lists every id form a secret can be invalidated by', () => {
    expect(idForms('prod/db', { name: 'prod/db', arn: ARN })).toEqual(['prod/db', ARN, ARN.slice(0, -7)]);
    expect(idForms(ARN, undefined)).toEqual([ARN]);
    expect(idForms('x', { arn: 'arn:aws:secretsmanager:us-east-1:1:secret:x' })).toEqual([
      'x',
      'arn:aws:secretsmanager:us-east-1:1:secret:x',
    ]);
  });

  it('gives one entry name per secret version, the current stage written or not, and hashes only', () => {
    const names = scopeNames(key, 'scope-a');
    const current = names.entry({ secretId: 'prod/db' });
    expect(names.entry({ secretId: 'prod/db', versionStage: 'AWSCURRENT' })).toBe(current);
    expect(names.entry({ secretId: 'prod/db', versionStage: 'AWSPREVIOUS' })).not.toBe(current);
    expect(names.entry({ secretId: 'prod/db', versionId: 'v1' })).not.toBe(current);
    expect(scopeNames(key, 'scope-b').entry({ secretId: 'prod/db' })).not.toBe(current);
    expect(scopeNames(deriveKey(randomBytes(32)), 'scope-a').entry({ secretId: 'prod/db' })).not.toBe(
      current,
    );
    for (const name of [current, names.form('prod/db'), names.scope, anyScopeForm(key, 'prod/db')]) {
      expect(name).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(names.form('prod/db')).not.toBe(anyScopeForm(key, 'prod/db'));
    expect(keyPrefix('prod')).toBe('secret-refs:{prod}:');
  });

  it('names stay what earlier versions wrote, so processes of two versions share one namespace', () => {
    const pinned = deriveKey(Buffer.alloc(32, 7));
    const names = scopeNames(pinned, 'scope-é', createNameMemo(100));
    expect([
      names.scope,
      names.entry({ secretId: 'prod/db' }),
      names.entry({ secretId: '/p', service: 'ssm', versionId: '3' }),
      names.form('prod/db'),
      anyScopeForm(pinned, 'prod/db', createNameMemo(100)),
      scopeNames(pinned, 'scope-é').entry({ secretId: 'prod/db' }),
    ]).toEqual([
      '087cbb62c2c6a3b692e03ff40851d68a',
      '2853aa2dff2164d7152cecfeef824f0e',
      '1e5d014b524a3a50e0a2c951b4ff7c8f',
      'a91058472f17555515cfce511084cdb9',
      '5a137d80118f2443d9b83b4e8d2f17b8',
      '2853aa2dff2164d7152cecfeef824f0e',
    ]);
  });
});
