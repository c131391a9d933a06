/** A secret to create in the local endpoint, with its current value and optional extra versions. */
export interface SeedSecret {
  name: string;
  /** Value of the new `AWSCURRENT` version. */
  secretString?: string;
  /** Bytes of the new `AWSCURRENT` version (sent base64-encoded, as AWS does). */
  secretBinary?: Uint8Array;
  description?: string;
  tags?: Record<string, string>;
  /** Extra versions, each with its own id, stages and value. A stage moves to the last version that names it. */
  versions?: { versionId?: string; stages: string[]; secretString?: string; secretBinary?: Uint8Array }[];
  /** `GetSecretValue` on it fails with `DecryptionFailure` (KMS). */
  kmsFailure?: boolean;
  /** Marked for deletion: `GetSecretValue` fails with `InvalidRequestException`; hidden from `ListSecrets`. */
  deleted?: boolean;
}

/** A Parameter Store parameter to create in the local endpoint (a new version when it exists). */
export interface SeedParameter {
  /** Letters, digits and `_.-/`; a hierarchy starts with `/`. */
  name: string;
  /** The value of the new version (for a SecureString, the plaintext: the endpoint keeps only ciphertext). */
  value: string;
  /** @default 'String' (or the parameter's current type) */
  type?: 'String' | 'StringList' | 'SecureString';
  /** Labels moved to the new version. */
  labels?: string[];
  /** Reading it with decryption fails with `InvalidKeyId` (the stand-in KMS key). */
  kmsFailure?: boolean;
}

/**
 * A fault the endpoint applies to the next matching request (after authentication, before handling).
 * Faults queue in order; `times` (default 1, `Infinity` allowed) counts the requests it applies to;
 * a fault naming an `action` applies to that action only.
 */
export type Fault = { action?: string; times?: number } & (
  | { kind: 'throttle' | 'http500' | 'drop' | 'accessDenied' }
  | { kind: 'delay'; ms: number }
);

/** Credentials the endpoint accepts: requests must be SigV4-signed with them. */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** How to start a local endpoint; every option has a default. */
export interface LocalSecretsManagerOptions {
  /** Region requests must be signed for. @default 'us-east-1' */
  region?: string;
  /** Account id used in ARNs. @default '123456789012' */
  accountId?: string;
  /** @default { accessKeyId: 'AKIALOCALTEST0000001', secretAccessKey: 'local/test/secret/access/key/000000000000' } */
  credentials?: LocalCredentials;
  /** Secrets created at start, in order. */
  secrets?: SeedSecret[];
  /** Parameter Store parameters created at start, in order (a name given twice gets two versions). */
  parameters?: SeedParameter[];
  /** Actions always denied with `AccessDeniedException`, e.g. `['BatchGetSecretValue']`, `['GetParameters']`. @default [] */
  deniedActions?: string[];
  /** TCP port on 127.0.0.1. @default 0 (ephemeral) */
  port?: number;
}

/** One request the endpoint received (recorded once it answered, or dropped it with `status` 0). */
export interface RecordedRequest {
  /** The operation named by `X-Amz-Target`, e.g. `GetSecretValue` (`''` when absent). */
  action: string;
  /** `secretsmanager` or `ssm`, from the `X-Amz-Target` prefix. */
  service: 'secretsmanager' | 'ssm';
  /** `SecretId`, or every entry of `SecretIdList`; for Parameter Store `Name`, `Path` or every entry of `Names`. */
  secretIds: string[];
  /** HTTP status sent; 0 when the socket was dropped. */
  status: number;
  /** Region of the request's credential scope (the server's region when unsigned). */
  region: string;
  accessKeyId?: string;
}

/** A running local Secrets Manager endpoint. */
export interface LocalSecretsManager {
  /** `http://127.0.0.1:PORT`; pass it as the SDK's `endpoint`. */
  endpoint: string;
  region: string;
  accountId: string;
  credentials: LocalCredentials;
  /** The full ARN of a secret (name + `-` + 6 random characters, stable for the secret's life). */
  arnOf(name: string): string;
  /** Creates a secret, or adds a new `AWSCURRENT` version to it (the old one becomes `AWSPREVIOUS`). */
  putSecret(seed: SeedSecret): { arn: string; versionId: string };
  /** Removes a secret at once (like `ForceDeleteWithoutRecovery`); later calls get `ResourceNotFoundException`. */
  deleteSecret(name: string): void;
  /** Creates a parameter, or adds a version to it; returns the new version number. */
  putParameter(seed: SeedParameter): number;
  /** Moves labels to a version of a parameter (its latest when `version` is not given). */
  labelParameter(name: string, labels: string[], version?: number): void;
  /** Removes a parameter; later reads get `ParameterNotFound` (or list it in `InvalidParameters`). */
  deleteParameter(name: string): void;
  /** The ARN of a parameter name, in this endpoint's region and account. */
  parameterArnOf(name: string): string;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Replaces the set of always-denied actions (`[]` allows everything again). */
  denyActions(actions: string[]): void;
  readonly requests: RecordedRequest[];
  resetRequests(): void;
  close(): Promise<void>;
}
