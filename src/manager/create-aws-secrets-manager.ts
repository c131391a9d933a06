import type { AwsProviderConfig } from '../provider/aws/config.js';
import { createAwsProvider } from '../provider/aws/create-aws-provider.js';
import { createSecretManager, type SecretManagerOptions } from './create-secret-manager.js';
import type { SecretManager } from './types.js';

/**
 * How `createAwsSecretsManager` and `createAwsProvider` reach AWS Secrets Manager.
 * @example
 *   const config: AwsSecretsManagerConfig = { region: 'us-east-1', endpoint: 'http://localhost:4566' };
 *   const manager = createAwsSecretsManager(config);
 */
export interface AwsSecretsManagerConfig extends AwsProviderConfig {
  /**
   * Cache options passed to the manager, `false` for no cache, or a shared cache.
   * @default the manager's defaults
   */
  cache?: SecretManagerOptions['cache'];
  /**
   * Told what the manager's cache does (`hit`, `miss`, `fetch`, `changed`, …) and of each AWS call (`request`: the
   * action, status, request id, attempts, duration), for metrics and logs; never a value.
   * @default undefined
   */
  onEvent?: SecretManagerOptions['onEvent'];
}

/**
 * A cached `SecretManager` over AWS Secrets Manager: the AWS provider wrapped by `createSecretManager` with
 * `config.cache`. Bad configuration throws a `SecretRefConfigError` naming the option, before any call.
 * @example
 *   const manager = createAwsSecretsManager({ region: 'us-east-1', accessKeyId, secretAccessKey });
 *   const password = await manager.getSecret('{{resolve:secretsmanager:prod/db:SecretString:password}}');
 */
export function createAwsSecretsManager(config: AwsSecretsManagerConfig): SecretManager {
  const provider = createAwsProvider(config);
  return createSecretManager(provider, { cache: config.cache, onEvent: config.onEvent });
}
