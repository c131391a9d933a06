export type { AwsSecretsManagerConfig } from './config.js';
export type { AwsProvider } from './create-aws-provider.js';
export { createAwsProvider } from './create-aws-provider.js';
export { createAwsSecretsManager } from './create-aws-secrets-manager.js';
export type { AwsCredentialsOption } from './credentials.js';
export type { AwsTestConnectionOptions } from './test-connection.js';
