import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsTransport, MAX_REGION_CLIENTS } from '../../src/provider/aws/aws-transport.js';
import { isRegionOfPartition, resolveAwsConfig } from '../../src/provider/aws/config.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';

const smMock = mockClient(SecretsManagerClient);
const KEYS = { accessKeyId: 'AKIAREGIONTEST000001', secretAccessKey: 'region/test/secret' };

/** `us-aaa-1`, `us-aab-1`, …: made up, but shaped like regions of the `aws` partition. */
function madeUpRegion(index: number): string {
  let letters = '';
  for (let rest = index, digit = 0; digit < 3; digit += 1, rest = Math.floor(rest / 26)) {
    letters = String.fromCharCode(97 + (rest % 26)) + letters;
  }
  return `us-${letters}-1`;
}

const arnIn = (region: string, partition = 'aws'): string =>
  `arn:${partition}:secretsmanager:${region}:123456789012:secret:db-AbCdEf`;

describe('SDK clients of ARN regions are bounded', () => {
  beforeEach(() => {
    smMock.reset();
    smMock.on(GetSecretValueCommand).callsFake(async (input: { SecretId?: string }) => ({
      ARN: input.SecretId,
      Name: 'db',
      SecretString: 'v',
    }));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('3,000 made-up regions of the right shape leave at most 2 × 16 clients, the rest destroyed', async () => {
    // Prepare
    const destroyed = vi.spyOn(SecretsManagerClient.prototype, 'destroy');
    const transport = createAwsTransport(resolveAwsConfig({ region: 'us-east-1', ...KEYS }));

    // Act
    for (let index = 0; index < 3000; index += 1) {
      const secretId = arnIn(madeUpRegion(index));
      await transport.getSecretValue(transport.regionFor(secretId), { SecretId: secretId });
    }
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(transport.clientCount()).toBeLessThanOrEqual(2 * MAX_REGION_CLIENTS);
    expect(destroyed.mock.calls.length).toBeGreaterThanOrEqual(3000 - 2 * MAX_REGION_CLIENTS);
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(3000);
  });

  it('an evicted client is destroyed only once its call in flight has ended', async () => {
    const destroyed = vi.spyOn(SecretsManagerClient.prototype, 'destroy');
    let release: () => void = () => undefined;
    smMock.on(GetSecretValueCommand, { SecretId: arnIn('us-slow-1') }).callsFake(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ ARN: arnIn('us-slow-1'), Name: 'db', SecretString: 'slow' });
        }),
    );
    const transport = createAwsTransport(resolveAwsConfig({ region: 'us-east-1', ...KEYS }));
    const slow = transport.getSecretValue('us-slow-1', { SecretId: arnIn('us-slow-1') });
    await new Promise((resolve) => setTimeout(resolve, 10));

    for (let index = 0; index < 4 * MAX_REGION_CLIENTS; index += 1) {
      const secretId = arnIn(madeUpRegion(index));
      await transport.getSecretValue(transport.regionFor(secretId), { SecretId: secretId });
    }
    const destroyedBefore = destroyed.mock.calls.length;
    release();
    const answer = await slow;
    await new Promise((resolve) => setImmediate(resolve));

    expect(answer.SecretString).toBe('slow');
    expect(destroyed.mock.calls.length).toBe(destroyedBefore + 1);
  });

  it('an ARN whose region is not one of its partition is refused before any client is made', async () => {
    const provider = createAwsProvider({ region: 'us-east-1', ...KEYS });
    const ids = [
      arnIn('zz-fake-1'),
      arnIn('cn-north-1'),
      arnIn('us-east-1', 'aws-cn'),
      arnIn('us-east-1', 'aws-nowhere'),
      arnIn('eu-west-123'),
    ];

    const results = await provider.fetchMany(ids.map((secretId) => ({ secretId })));
    const single = await provider.fetch({ secretId: arnIn('zz-fake-2') }).catch((error: unknown) => error);

    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual(
      ids.map(() => 'invalid_reference'),
    );
    expect(single).toMatchObject({ code: 'invalid_reference' });
    expect(String((single as Error).message)).toContain('not a region of the AWS partition "aws"');
    expect(smMock.calls()).toHaveLength(0);
  });

  it('real regions of each partition are accepted', () => {
    for (const [partition, region] of [
      ['aws', 'us-east-1'],
      ['aws', 'ap-southeast-5'],
      ['aws', 'mx-central-1'],
      ['aws-cn', 'cn-northwest-1'],
      ['aws-us-gov', 'us-gov-west-1'],
      ['aws-iso', 'us-iso-east-1'],
      ['aws-iso-b', 'us-isob-east-1'],
      ['aws-iso-e', 'eu-isoe-west-1'],
      ['aws-iso-f', 'us-isof-south-1'],
      ['aws-eusc', 'eusc-de-east-1'],
    ] as const) {
      expect(isRegionOfPartition(partition, region), `${partition} ${region}`).toBe(true);
    }
    expect(isRegionOfPartition('aws', 'us-gov-west-1')).toBe(false);
    expect(isRegionOfPartition('constructor', 'us-east-1')).toBe(false);
  });
});
