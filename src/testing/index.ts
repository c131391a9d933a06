/**
 * `secret-refs/testing`: a local HTTP endpoint that speaks the AWS Secrets Manager wire protocol (awsJson1_1 +
 * SigV4), for your tests, the demo and benchmarks. Dev only: the root import never loads it; import it from test code.
 * The seed format ({@link parseSeedFile}) is documented in docs/local-endpoint.md.
 * @packageDocumentation
 */
export { AwsError } from './aws-error.js';
export type { Rotation } from './rotation.js';
export { rotate } from './rotation.js';
export { parseSeedFile } from './seed-file.js';
export { DEFAULT_LOCAL_CREDENTIALS, startLocalSecretsManager } from './server.js';
export type {
  Fault,
  LocalCredentials,
  LocalSecretsManager,
  LocalSecretsManagerOptions,
  RecordedRequest,
  SeedParameter,
  SeedSecret,
} from './types.js';
