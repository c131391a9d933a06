/**
 * A local HTTP endpoint that speaks the AWS Secrets Manager wire protocol (awsJson1_1 + SigV4), for tests,
 * the demo and benchmarks. Dev tool only: never part of the published package.
 */
export { AwsError } from './aws-error.js';
export type { Rotation } from './rotation.js';
export { rotate } from './rotation.js';
export { DEFAULT_LOCAL_CREDENTIALS, startLocalSecretsManager } from './server.js';
export type {
  Fault,
  LocalCredentials,
  LocalSecretsManager,
  LocalSecretsManagerOptions,
  RecordedRequest,
  SeedSecret,
} from './types.js';
