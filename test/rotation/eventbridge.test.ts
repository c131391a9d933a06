import { describe, expect, it, vi } from 'vitest';
import { createAwsSecretsManager, type SecretManager, SecretRefConfigError } from '../../src/index.js';
import { invalidateFromEventBridge } from '../../src/rotation/eventbridge.js';
import { rotate } from '../../src/testing/index.js';
import { CANARY } from '../support/canary.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';

/** A CloudTrail API-call event as EventBridge delivers it (shape of the AWS User Guide's CloudTrail entries). */
function apiCall(eventName: string, detail: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.secretsmanager',
    account: '123456789012',
    time: '2026-12-01T08:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.08',
      eventSource: 'secretsmanager.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      requestParameters: { secretId: 'prod/db' },
      responseElements: { arn: ARN },
      eventType: 'AwsApiCall',
      ...detail,
    },
  };
}

const rotationSucceeded = {
  version: '0',
  'detail-type': 'AWS Service Event via CloudTrail',
  source: 'aws.secretsmanager',
  region: 'us-east-1',
  resources: [],
  detail: {
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'RotationSucceeded',
    additionalEventData: { SecretId: ARN },
    eventType: 'AwsServiceEvent',
  },
};

const labelUpdated = {
  version: '0',
  'detail-type': 'Secret Label Updated',
  source: 'aws.secretsmanager',
  region: 'us-west-2',
  resources: [ARN],
  detail: { name: 'prod/db', labelUpdated: 'AWSCURRENT', versionId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111' },
};

function spyTarget() {
  return { invalidate: vi.fn<SecretManager['invalidate']>() };
}

describe('invalidateFromEventBridge: which events, which ids', () => {
  it.each([
    ['PutSecretValue', apiCall('PutSecretValue')],
    ['UpdateSecretVersionStage', apiCall('UpdateSecretVersionStage')],
    ['RotateSecret', apiCall('RotateSecret')],
    ['DeleteSecret', apiCall('DeleteSecret')],
    ['UpdateSecret', apiCall('UpdateSecret')],
  ])('a %s call invalidates the ARN and the id the caller used', (eventName, event) => {
    const target = spyTarget();
    expect(invalidateFromEventBridge(event, target)).toEqual({
      handled: true,
      eventName,
      secretIds: [ARN, 'prod/db'],
      invalidated: 2,
      failures: [],
    });
    expect(target.invalidate.mock.calls).toEqual([[{ secretId: ARN }], [{ secretId: 'prod/db' }]]);
  });

  it('reads the older "aRN" spelling, and a call that named the secret by its ARN once', () => {
    const target = spyTarget();
    const event = apiCall('PutSecretValue', {
      requestParameters: { secretId: ARN },
      responseElements: { aRN: ARN },
    });
    expect(invalidateFromEventBridge(event, target)).toMatchObject({ handled: true, secretIds: [ARN] });
    expect(target.invalidate).toHaveBeenCalledTimes(1);
  });

  it('RotationSucceeded (service event) and Secret Label Updated (native event)', () => {
    const target = spyTarget();
    expect(invalidateFromEventBridge(rotationSucceeded, target)).toMatchObject({
      handled: true,
      eventName: 'RotationSucceeded',
      secretIds: [ARN],
    });
    expect(invalidateFromEventBridge(labelUpdated, target)).toMatchObject({
      handled: true,
      eventName: 'Secret Label Updated',
      secretIds: [ARN, 'prod/db'],
    });
    const china = { ...rotationSucceeded, 'detail-type': 'Amazon Service Event via CloudTrail' };
    expect(invalidateFromEventBridge(china, target)).toMatchObject({ handled: true });
  });

  it.each([
    ['null', null, 'not_secrets_manager'],
    ['a string', 'PutSecretValue', 'not_secrets_manager'],
    ['an array', [apiCall('PutSecretValue')], 'not_secrets_manager'],
    ['another service', { ...apiCall('PutObject'), source: 'aws.s3' }, 'not_secrets_manager'],
    [
      'another event source',
      apiCall('PutSecretValue', { eventSource: 'ssm.amazonaws.com' }),
      'not_secrets_manager',
    ],
    ['a read', apiCall('GetSecretValue'), 'not_a_change'],
    ['a tag change', apiCall('TagResource'), 'not_a_change'],
    ['a failed rotation', { ...rotationSucceeded, detail: { eventName: 'RotationFailed' } }, 'not_a_change'],
    [
      'an unknown detail type',
      { source: 'aws.secretsmanager', 'detail-type': 'Scheduled Event' },
      'not_a_change',
    ],
    [
      'no event name',
      { source: 'aws.secretsmanager', 'detail-type': 'AWS API Call via CloudTrail' },
      'not_a_change',
    ],
    ['a call that failed', apiCall('PutSecretValue', { errorCode: 'AccessDenied' }), 'failed_call'],
    [
      'no secret named',
      apiCall('PutSecretValue', { requestParameters: null, responseElements: { arn: 42 } }),
      'no_secret_id',
    ],
  ])('ignores %s, typed, without touching a manager', (_label, event, reason) => {
    const target = spyTarget();
    const outcome = invalidateFromEventBridge(event, target);
    expect(outcome).toMatchObject({ handled: false, reason });
    expect(target.invalidate).not.toHaveBeenCalled();
  });

  it('never throws on a hostile event: throwing getters and proxies are read as absent', () => {
    const target = spyTarget();
    const hostile = {
      source: 'aws.secretsmanager',
      'detail-type': 'AWS API Call via CloudTrail',
      get detail(): never {
        throw new Error(CANARY);
      },
    };
    expect(invalidateFromEventBridge(hostile, target)).toEqual({ handled: false, reason: 'not_a_change' });
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error(CANARY);
        },
      },
    );
    expect(invalidateFromEventBridge(trap, target)).toEqual({
      handled: false,
      reason: 'not_secrets_manager',
    });
  });

  it('invalidates on every target of an array or record, and reports a target that throws', () => {
    const a = spyTarget();
    const b = spyTarget();
    expect(invalidateFromEventBridge(rotationSucceeded, [a, b])).toMatchObject({ invalidated: 2 });
    expect(invalidateFromEventBridge(rotationSucceeded, { conn1: a, conn2: b })).toMatchObject({
      invalidated: 2,
    });
    const broken = {
      invalidate: () => {
        throw new SecretRefConfigError('ref', 'bad ref');
      },
    };
    expect(invalidateFromEventBridge(rotationSucceeded, [a, broken])).toMatchObject({
      handled: true,
      invalidated: 1,
      failures: [{ secretId: ARN, code: 'invalid_config' }],
    });
  });

  it.each([
    ['null', null],
    ['an empty array', []],
    ['an object without invalidate', { a: 1 }],
    ['an array with a non-manager', [spyTarget(), 'x']],
  ])('refuses %s as managers', (_label, managers) => {
    expect(() => invalidateFromEventBridge(rotationSucceeded, managers as never)).toThrow(
      SecretRefConfigError,
    );
  });
});

describe('invalidateFromEventBridge with a real manager over the local endpoint', () => {
  const endpoint = useLocalEndpoint({ secrets: [{ name: 'prod/db', secretString: '{"password":"v1"}' }] });

  it('a rotation is seen at once after its event, without waiting for the TTL', async () => {
    const sm = endpoint();
    const manager = createAwsSecretsManager({
      region: sm.region,
      endpoint: sm.endpoint,
      accessKeyId: sm.credentials.accessKeyId,
      secretAccessKey: sm.credentials.secretAccessKey,
      cache: { ttlMs: 3_600_000 },
    });
    expect(await manager.getSecret('prod/db:password')).toBe('v1');
    await rotate(sm, 'prod/db', '{"password":"v2"}');
    expect(await manager.getSecret('prod/db:password')).toBe('v1'); // cached for an hour
    const reads = () => sm.requests.filter((r) => r.action === 'GetSecretValue').length;
    const before = reads();

    const event = apiCall('UpdateSecretVersionStage', {
      requestParameters: { secretId: 'prod/db', versionStage: 'AWSCURRENT' },
      responseElements: { arn: sm.arnOf('prod/db') },
    });
    expect(invalidateFromEventBridge(event, manager)).toMatchObject({ handled: true, invalidated: 2 });

    expect(await manager.getSecret('prod/db:password')).toBe('v2');
    expect(await manager.getSecret('prod/db:password')).toBe('v2');
    expect(reads() - before).toBe(1);
  });
});
