import { describe, expect, it } from 'vitest';
import { Entry } from '../../src/cache/entry.js';
import { NOT_JSON } from '../../src/cache/store-types.js';
import { nameOfArn } from '../../src/ref/secret-names.js';

const owner = { identity: 'aws|us-east-1||key:a\\b|c' };
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';

describe('cache entries', () => {
  it('takes the name from the ARN only when it has the form AWS gives', () => {
    expect(nameOfArn(ARN)).toBe('prod/db');
    expect(nameOfArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db')).toBeUndefined();
    expect(nameOfArn('prod/db-AbCdEf')).toBeUndefined();
    expect(nameOfArn(undefined)).toBeUndefined();
  });

  it('gives back the payload it was made from and the secret id it was read by', () => {
    const cases = [
      { payload: { secretString: 's', arn: ARN, name: 'prod/db', versionId: 'v1' }, secretId: 'prod/db' },
      { payload: { secretString: 's', arn: ARN }, secretId: ARN },
      { payload: { secretBinary: new Uint8Array([1, 2]), name: 'bin' }, secretId: 'a|b' },
      {
        payload: { secretString: 't', secretBinary: new Uint8Array([3]), versionId: 'v2' },
        secretId: 'both',
      },
    ];
    const fields = ['secretString', 'secretBinary', 'arn', 'name', 'versionId'] as const;
    for (const { payload, secretId } of cases) {
      const entry = Entry.of(payload, 1, '', owner, secretId);
      for (const field of fields)
        expect({ field, value: entry.payload[field] }).toEqual({ field, value: payload[field] });
      expect(entry.secretId).toBe(secretId);
    }
  });

  it('an adopted value keeps the entry fields (expiry, secret id) and takes the newer value', () => {
    const entry = Entry.of({ secretString: 'old', arn: ARN, name: 'prod/db' }, 1, '', owner, 'prod/db');
    entry.expiresAt = Date.now() + 1_000;
    const newer = Entry.of({ secretString: 'new', arn: ARN, name: 'prod/db' }, 2, '', owner, 'x');
    newer.json = NOT_JSON;
    const adopted = entry.adopting(newer);
    expect(adopted.payload.secretString).toBe('new');
    expect(adopted).toMatchObject({
      seq: 2,
      expiresAt: entry.expiresAt,
      json: NOT_JSON,
      secretId: 'prod/db',
    });
  });
});
