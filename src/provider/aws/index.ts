export type { AwsSecretsManagerConfig } from './config.js';
export { DEFAULT_MAX_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT_MS } from './config.js';
export type { AwsProvider } from './create-aws-provider.js';
export { createAwsProvider } from './create-aws-provider.js';
export { createAwsSecretsManager } from './create-aws-secrets-manager.js';
export type { AwsCredentialsOption } from './credentials.js';
export { BATCH_SIZE, FALLBACK_CONCURRENCY } from './fetch-many.js';
export type { AwsTestConnectionOptions } from './test-connection.js';
