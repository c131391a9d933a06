import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalSecretsManager,
  parseSeedFile,
  startLocalSecretsManager,
} from '../../src/testing/index.js';

let sm: LocalSecretsManager;
let ssm: SSMClient;

const SECRET = 'pw-Parameter-Store-canary';

beforeAll(async () => {
  sm = await startLocalSecretsManager(
    parseSeedFile(
      JSON.stringify({
        parameters: [
          { name: '/app/url', value: 'https://v1.example' },
          { name: '/app/url', value: 'https://v2.example', labels: ['live'] },
          { name: '/app/url', value: 'https://v3.example' },
          { name: '/app/hosts', type: 'StringList', value: ['a.example', 'b.example'] },
          { name: '/app/db/password', type: 'SecureString', value: SECRET },
          { name: 'flat', value: 'f' },
        ],
      }),
    ),
  );
  ssm = new SSMClient({
    endpoint: sm.endpoint,
    region: sm.region,
    credentials: sm.credentials,
    maxAttempts: 1,
  });
});

afterAll(async () => {
  ssm.destroy();
  await sm.close();
});

describe('the local endpoint speaks Parameter Store to the real SDK', () => {
  it('GetParameters reads names, versions and labels, lists the rest as InvalidParameters', async () => {
    const answer = await ssm.send(
      new GetParametersCommand({
        Names: ['/app/url', '/app/url:1', '/app/url:live', '/app/nope', '/app/url:9'],
      }),
    );
    expect(answer.Parameters?.map((p) => [p.Name, p.Selector, p.Version, p.Value, p.Type])).toStrictEqual([
      ['/app/url', undefined, 3, 'https://v3.example', 'String'],
      ['/app/url', ':1', 1, 'https://v1.example', 'String'],
      ['/app/url', ':live', 2, 'https://v2.example', 'String'],
    ]);
    expect(answer.InvalidParameters).toStrictEqual(['/app/nope', '/app/url:9']);
    expect(sm.requests.at(-1)).toMatchObject({ action: 'GetParameters', service: 'ssm', status: 200 });
  });

  it('a SecureString is ciphertext without decryption and its value with it; a StringList is its text', async () => {
    const plain = await ssm.send(new GetParametersCommand({ Names: ['/app/db/password', '/app/hosts'] }));
    expect(plain.Parameters?.[0]?.Type).toBe('SecureString');
    expect(plain.Parameters?.[0]?.Value).not.toContain(SECRET);
    expect(plain.Parameters?.[1]?.Value).toBe('a.example,b.example');
    const clear = await ssm.send(new GetParameterCommand({ Name: '/app/db/password', WithDecryption: true }));
    expect(clear.Parameter?.Value).toBe(SECRET);
  });

  it('reads a parameter by ARN, and GetParameter of a missing one is ParameterNotFound', async () => {
    const arn = sm.parameterArnOf('/app/url');
    expect(arn).toBe('arn:aws:ssm:us-east-1:123456789012:parameter/app/url');
    const answer = await ssm.send(new GetParameterCommand({ Name: `${arn}:live` }));
    expect(answer.Parameter).toMatchObject({ Name: arn, Version: 2, ARN: arn });
    await expect(ssm.send(new GetParameterCommand({ Name: '/nope' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
  });

  it('GetParametersByPath pages, one level or recursively', async () => {
    const one = await ssm.send(new GetParametersByPathCommand({ Path: '/app' }));
    expect(one.Parameters?.map((p) => p.Name)).toStrictEqual(['/app/url', '/app/hosts']);
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(
        new GetParametersByPathCommand({ Path: '/app/', Recursive: true, MaxResults: 2, NextToken }),
      );
      names.push(...(page.Parameters ?? []).map((p) => p.Name ?? ''));
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    expect(names).toStrictEqual(['/app/url', '/app/hosts', '/app/db/password']);
  });

  it('PutParameter adds versions, LabelParameterVersion moves a label, DeleteParameter removes', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/t/x', Value: 'one', Type: 'String' }));
    await expect(ssm.send(new PutParameterCommand({ Name: '/t/x', Value: 'two' }))).rejects.toMatchObject({
      name: 'ParameterAlreadyExists',
    });
    const put = await ssm.send(new PutParameterCommand({ Name: '/t/x', Value: 'two', Overwrite: true }));
    expect(put.Version).toBe(2);
    const labelled = await ssm.send(
      new LabelParameterVersionCommand({ Name: '/t/x', ParameterVersion: 1, Labels: ['blue', '1bad'] }),
    );
    expect(labelled).toMatchObject({ InvalidLabels: ['1bad'], ParameterVersion: 1 });
    await ssm.send(new LabelParameterVersionCommand({ Name: '/t/x', ParameterVersion: 2, Labels: ['blue'] }));
    const blue = await ssm.send(new GetParameterCommand({ Name: '/t/x:blue' }));
    expect(blue.Parameter?.Value).toBe('two');
    await ssm.send(new DeleteParameterCommand({ Name: '/t/x' }));
    const gone = await ssm.send(new GetParametersCommand({ Names: ['/t/x'] }));
    expect(gone.InvalidParameters).toStrictEqual(['/t/x']);
  });

  it('checks SigV4 for the ssm service: wrong keys are refused, a denied action is AccessDenied naming ssm:', async () => {
    const wrong = new SSMClient({
      endpoint: sm.endpoint,
      region: sm.region,
      credentials: { accessKeyId: sm.credentials.accessKeyId, secretAccessKey: 'wrong' },
      maxAttempts: 1,
    });
    await expect(wrong.send(new GetParametersCommand({ Names: ['/app/url'] }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    wrong.destroy();
    sm.denyActions(['GetParameters']);
    try {
      await expect(ssm.send(new GetParametersCommand({ Names: ['/app/url'] }))).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining('ssm:GetParameters'),
      });
    } finally {
      sm.denyActions([]);
    }
  });

  it('refuses more than 10 names in one GetParameters call', async () => {
    const Names = Array.from({ length: 11 }, (_, i) => `/n${i}`);
    await expect(ssm.send(new GetParametersCommand({ Names }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});
