export type { SecretCache } from './cache/create-secret-cache.js';
export { createSecretCache } from './cache/create-secret-cache.js';
export type { ResolvedSecretCacheOptions, SecretCacheOptions } from './cache/options.js';
export { DEFAULT_CACHE_OPTIONS } from './cache/options.js';
export type {
  FormatIssuesOptions,
  SecretRefErrorCode,
  SecretRefErrorOptions,
  SecretResolutionIssue,
} from './errors.js';
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
export type { SecretEvent, SecretRequest } from './events.js';
export type { AwsSecretsManagerConfig } from './manager/create-aws-secrets-manager.js';
export { createAwsSecretsManager } from './manager/create-aws-secrets-manager.js';
export type { SecretManagerOptions } from './manager/create-secret-manager.js';
export { createSecretManager } from './manager/create-secret-manager.js';
export type { SecretManager, SecretManagerStats, SecretResult } from './manager/types.js';
export type {
  AwsCredentialsOption,
  AwsProvider,
  AwsProviderConfig,
  AwsTestConnectionOptions,
} from './provider/aws/index.js';
export { createAwsProvider } from './provider/aws/index.js';
export type {
  MemoryProvider,
  MemoryProviderCall,
  MemoryProviderOptions,
  MemorySecret,
  MemorySecretInput,
  MemorySecretVersion,
} from './provider/memory.js';
export { createMemoryProvider } from './provider/memory.js';
export type { FormatSecretRefOptions } from './ref/format.js';
export { formatSecretRef } from './ref/format.js';
export type { JsonKeyResult } from './ref/json-key.js';
export { readJsonKey } from './ref/json-key.js';
export { parseSecretRef } from './ref/parse.js';
export { scanSecretRefs } from './ref/scan.js';
export type {
  CompileConnectionOptions,
  CompiledConnection,
  CompiledResolveOptions,
} from './resolve/compile.js';
export { compileConnection } from './resolve/compile.js';
export type { EncodeOption, Encoder, EncodeSite } from './resolve/encode.js';
export type { FoundSecretRef } from './resolve/find.js';
export { findSecretRefs } from './resolve/find.js';
export type { ManagerRegistry, ManagerRegistryOptions } from './resolve/manager-registry.js';
export { createManagerRegistry } from './resolve/manager-registry.js';
export type { ManagerLookup, SecretManagers } from './resolve/managers.js';
export type { Masker, MaskerOptions } from './resolve/mask.js';
export { createMasker } from './resolve/mask.js';
export type {
  ResolveConnectionOptions,
  ResolvedSecretRef,
  SettledResolution,
} from './resolve/resolve-connection.js';
export { resolveConnection, resolveConnectionSettled } from './resolve/resolve-connection.js';
export type { PathSegment, WalkOptions } from './resolve/walk.js';
export { isCommonAuthError } from './rotation/auth-error.js';
export type {
  IgnoredEventReason,
  InvalidationTarget,
  SecretEventOutcome,
} from './rotation/eventbridge.js';
export { invalidateFromEventBridge } from './rotation/eventbridge.js';
export type { WithConnectionAttempt, WithConnectionOptions } from './rotation/with-connection.js';
export { withConnection } from './rotation/with-connection.js';
export type {
  CallOptions,
  FetchResult,
  ListSecretsOptions,
  ParameterService,
  ReferenceService,
  SecretLocator,
  SecretPayload,
  SecretProvider,
  SecretRef,
  SecretRefMatch,
  SecretRefStyle,
  SecretSummary,
  TestConnectionOptions,
  TestConnectionResult,
} from './types.js';
