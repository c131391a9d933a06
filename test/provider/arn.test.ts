import { describe, expect, it } from 'vitest';
import { findBestMatch, matchScore, parseSecretArn, regionOfSecretId } from '../../src/provider/aws/arn.js';

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

  it('scores the full ARN over the name over a partial ARN', () => {
    const secret = { arn: FULL, name: 'prod/db' };
    expect(matchScore(FULL, secret)).toBe(3);
    expect(matchScore('prod/db', secret)).toBe(2);
    expect(matchScore(FULL.slice(0, -7), secret)).toBe(1);
    expect(matchScore('prod', secret)).toBe(0);
    expect(matchScore(FULL.slice(0, -8), secret)).toBe(0);
  });

  it('does not take a secret whose name extends the partial ARN for it', () => {
    const decoy = { arn: `${FULL}-XyZ123`, name: 'prod/db-AbCdEf' };
    const target = { arn: FULL, name: 'prod/db' };
    expect(findBestMatch(FULL.slice(0, -7), [decoy, target])).toBe(target);
    expect(findBestMatch(FULL, [decoy, target])).toBe(target);
    expect(findBestMatch('prod/db-AbCdEf', [target, decoy])).toBe(decoy);
  });
});
