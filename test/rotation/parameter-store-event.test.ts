import { describe, expect, it } from 'vitest';
import { createAwsSecretsManager } from '../../src/manager/create-aws-secrets-manager.js';
import { invalidateFromEventBridge } from '../../src/rotation/eventbridge.js';
import { useLocalEndpoint } from '../support/use-local-endpoint.js';

const endpoint = useLocalEndpoint({ parameters: [{ name: '/app/url', value: 'https://v1.example' }] });

function changeEvent(name: string, arn: string, operation = 'Update') {
  return {
    version: '0',
    source: 'aws.ssm',
    'detail-type': 'Parameter Store Change',
    account: '123456789012',
    region: 'us-east-1',
    resources: [arn],
    detail: { name, type: 'String', operation },
  };
}

describe('invalidateFromEventBridge understands Parameter Store Change events', () => {
  it('a change event drops the ssm and ssm-secure entries of the parameter, so the next read sees the new version', async () => {
    const sm = endpoint();
    const manager = createAwsSecretsManager({
      region: sm.region,
      endpoint: sm.endpoint,
      ssmEndpoint: sm.endpoint,
      accessKeyId: sm.credentials.accessKeyId,
      secretAccessKey: sm.credentials.secretAccessKey,
    });
    expect(await manager.getSecret('{{resolve:ssm:/app/url}}')).toBe('https://v1.example');
    expect(await manager.getSecret('{{resolve:ssm-secure:/app/url}}')).toBe('https://v1.example');
    sm.putParameter({ name: '/app/url', value: 'https://v2.example' });

    const outcome = invalidateFromEventBridge(
      changeEvent('/app/url', sm.parameterArnOf('/app/url')),
      manager,
    );

    expect(outcome).toMatchObject({ handled: true, eventName: 'Parameter Store Change' });
    expect(await manager.getSecret('{{resolve:ssm:/app/url}}')).toBe('https://v2.example');
    expect(await manager.getSecret('{{resolve:ssm-secure:/app/url}}')).toBe('https://v2.example');
  });

  it('another aws.ssm event is ignored as not a change, never thrown', () => {
    const target = { invalidate: () => undefined };
    expect(
      invalidateFromEventBridge(
        { source: 'aws.ssm', 'detail-type': 'Parameter Store Policy Action' },
        target,
      ),
    ).toMatchObject({ handled: false, reason: 'not_a_change' });
    expect(
      invalidateFromEventBridge({ source: 'aws.ssm', 'detail-type': 'Parameter Store Change' }, target),
    ).toMatchObject({
      handled: false,
      reason: 'no_secret_id',
    });
  });
});
