export type { AwsProviderConfig } from './config.js';
export type { AwsProvider } from './create-aws-provider.js';
export { createAwsProvider } from './create-aws-provider.js';
export type { AwsCredentialsOption } from './credentials.js';
export type { AwsTestConnectionOptions } from './test-connection.js';
