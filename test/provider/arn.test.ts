import { describe, expect, it } from 'vitest';
import { matchBatch } from '../../src/provider/aws/batch-match.js';
import { parseSecretArn, regionOfSecretId } from '../../src/ref/secret-names.js';

const FULL = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';

describe('secret ARNs', () => {
  it('splits full and partial ARNs in any partition', () => {
    expect(parseSecretArn(FULL)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: '123456789012',
      resource: 'prod/db-AbCdEf',
    });
    expect(regionOfSecretId('arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db')).toBe(
      'cn-north-1',
    );
    expect(regionOfSecretId('prod/db')).toBeUndefined();
    expect(regionOfSecretId('arn:aws:ssm:eu-west-1:123456789012:parameter/db')).toBeUndefined();
  });

  it('does not take a secret whose name extends the partial ARN for it', () => {
    const decoy = { arn: `${FULL}-XyZ123`, name: 'prod/db-AbCdEf', payload: { secretString: 'decoy' } };
    const target = { arn: FULL, name: 'prod/db', payload: { secretString: 'target' } };
    const ids = [FULL.slice(0, -7), 'prod/db-AbCdEf', FULL];

    const matches = matchBatch(ids, [decoy, target], [], { region: 'eu-west-1' });

    expect(ids.map((id) => matches.get(id))).toEqual([
      { kind: 'alone' },
      { kind: 'entry', entry: decoy },
      { kind: 'entry', entry: target },
    ]);
  });

  it('does not give a name the entry of another account that an ARN id of the same call names', () => {
    // The answer's ARN is malformed (no suffix), so the other account's ARN id cannot claim it; its Name fits the
    // name, whose account (the caller's) may be another: the name is fetched alone, not given the other account's value.
    const own = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf';
    const other = 'arn:aws:secretsmanager:us-east-1:210987654321:secret:a-AbCdEf';
    const entry = {
      arn: 'arn:aws:secretsmanager:us-east-1:210987654321:secret:a',
      name: 'a',
      payload: { secretString: 'secret:210987654321:a' },
    };

    const matches = matchBatch(['a', other, own], [entry], [], { region: 'us-east-1' });

    expect(matches.get('a')).toEqual({ kind: 'alone' });
    expect(matches.get(other)).toEqual({ kind: 'alone' });
    expect(matches.get(own)).toEqual({ kind: 'alone' });
    // Without an ARN id naming that account, the name takes the one entry that fits it.
    expect(matchBatch(['a', own], [entry], [], { region: 'us-east-1' }).get('a')).toEqual({
      kind: 'entry',
      entry,
    });
  });

  it('answers a partial ARN from what the full ARNs left, when exactly one secret fits', () => {
    const target = { arn: FULL, name: 'prod/db', payload: { secretString: 'target' } };
    const other = { arn: FULL.replace('123456789012', '210987654321'), name: 'prod/db', payload: {} };

    const matches = matchBatch([FULL.slice(0, -7), other.arn], [other, target], [], { region: 'eu-west-1' });

    expect(matches.get(FULL.slice(0, -7))).toEqual({ kind: 'entry', entry: target });
    expect(matches.get(other.arn)).toEqual({ kind: 'entry', entry: other });
  });
});
