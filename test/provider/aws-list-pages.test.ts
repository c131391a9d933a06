import {
  ListSecretsCommand,
  type ListSecretsCommandInput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretRefError } from '../../src/errors.js';
import { MAX_LIST_PAGES } from '../../src/provider/aws/answer-shape.js';
import { createAwsProvider } from '../../src/provider/aws/create-aws-provider.js';

const smMock = mockClient(SecretsManagerClient);

describe('ListSecrets pages are bounded', () => {
  beforeEach(() => {
    smMock.reset();
  });

  it(`a listing that never stops handing out fresh tokens ends after ${MAX_LIST_PAGES} pages`, async () => {
    // Prepare
    let page = 0;
    smMock.on(ListSecretsCommand).callsFake(async (_input: ListSecretsCommandInput) => {
      page += 1;
      return { SecretList: [], NextToken: `token-${page}` };
    });
    const provider = createAwsProvider({ region: 'us-east-1' });

    // Act
    const error = await (async () => {
      for await (const _ of provider.listSecrets()) {
        // draining
      }
    })().catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(SecretRefError);
    expect((error as SecretRefError).code).toBe('provider_error');
    expect((error as SecretRefError).message).toContain(`more than ${MAX_LIST_PAGES} pages`);
    expect(smMock.commandCalls(ListSecretsCommand)).toHaveLength(MAX_LIST_PAGES);
  });

  it('distinct tokens and an empty last token end normally', async () => {
    smMock
      .on(ListSecretsCommand, { NextToken: undefined })
      .resolves({ SecretList: [{ Name: 'a' }], NextToken: 't1' })
      .on(ListSecretsCommand, { NextToken: 't1' })
      .resolves({ SecretList: [{ Name: 'b' }], NextToken: '' });
    const provider = createAwsProvider({ region: 'us-east-1' });
    const names: string[] = [];

    for await (const secret of provider.listSecrets()) names.push(secret.name);

    expect(names).toEqual(['a', 'b']);
  });
});
