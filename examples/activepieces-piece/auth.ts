import { PieceAuth, Property } from '@activepieces/pieces-framework';
import { type SecretManager, SecretRefError } from 'secret-refs';
import { createManager } from './manager.js';

/**
 * The connection a user creates once ("Connect" in the Activepieces UI): the Activepieces form of AWS
 * credentials. `validate` runs `testConnection` on a new manager (so a rejected key is never kept), which reports
 * bad keys or an unreachable endpoint without throwing; a malformed region or endpoint is reported the same way.
 * The engine hands a step this connection's stored value as it is (it does not evaluate `{{…}}` inside it).
 * @example
 *   const result = await awsSecretsAuth.validate?.({ auth, server }); // { valid: true } or { valid: false, error }
 */
export const awsSecretsAuth = PieceAuth.CustomAuth({
  displayName: 'AWS Secrets Manager',
  description: 'An IAM user allowed secretsmanager:GetSecretValue, ListSecrets and DescribeSecret.',
  required: true,
  props: {
    region: Property.ShortText({
      displayName: 'Region',
      description: 'For example eu-west-1',
      required: true,
    }),
    accessKeyId: Property.ShortText({ displayName: 'Access Key ID', required: true }),
    secretAccessKey: PieceAuth.SecretText({ displayName: 'Secret Access Key', required: true }),
    endpoint: Property.ShortText({
      displayName: 'Endpoint',
      description: 'Only for LocalStack or a VPC endpoint; leave empty for AWS.',
      required: false,
    }),
  },
  validate: async ({ auth }) => {
    let manager: SecretManager;
    try {
      manager = createManager(auth);
    } catch (error) {
      if (error instanceof SecretRefError) return { valid: false, error: `${error.code}: ${error.message}` };
      throw error;
    }
    const result = await manager.testConnection();
    return result.ok ? { valid: true } : { valid: false, error: `${result.code}: ${result.message}` };
  },
});
