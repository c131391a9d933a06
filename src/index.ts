export type { SecretRefErrorCode, SecretRefErrorOptions, SecretResolutionIssue } from './errors.js';
export {
  formatIssues,
  formatPath,
  SecretFetchError,
  SecretRefAbortError,
  SecretRefConfigError,
  SecretRefError,
  SecretRefSyntaxError,
  SecretResolutionError,
} from './errors.js';
export type {
  CallOptions,
  FetchResult,
  ListSecretsOptions,
  SecretLocator,
  SecretManager,
  SecretManagerStats,
  SecretPayload,
  SecretProvider,
  SecretRef,
  SecretRefMatch,
  SecretRefStyle,
  SecretResult,
  SecretSummary,
  TestConnectionResult,
} from './types.js';
