import { createSecretManager } from '../../manager/create-secret-manager.js';
import type { SecretManager } from '../../manager/types.js';
import type { AwsSecretsManagerConfig } from './config.js';
import { createAwsProvider } from './create-aws-provider.js';

/**
 * A cached `SecretManager` over AWS Secrets Manager: the AWS provider wrapped by `createSecretManager` with
 * `config.cache`. Bad configuration throws a `SecretRefConfigError` naming the option, before any call.
 * @example
 *   const manager = createAwsSecretsManager({ region: 'us-east-1', accessKeyId, secretAccessKey });
 *   const password = await manager.getSecret('{{resolve:secretsmanager:prod/db:SecretString:password}}');
 */
export function createAwsSecretsManager(config: AwsSecretsManagerConfig): SecretManager {
  const provider = createAwsProvider(config);
  return createSecretManager(provider, {
    ...(config.cache === undefined ? {} : { cache: config.cache }),
    ...(config.onEvent === undefined ? {} : { onEvent: config.onEvent }),
  });
}
