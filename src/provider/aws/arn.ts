/** The parts of a Secrets Manager ARN that routing and matching need. */
export interface SecretArnParts {
  partition: string;
  region: string;
  account: string;
  /** What follows `:secret:`: the name with AWS's 6-character suffix (full ARN) or without it (partial ARN). */
  resource: string;
}

const ARN_PATTERN = /^arn:([a-z0-9-]+):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;

/** Splits a Secrets Manager ARN (full or partial); `undefined` for a secret name or any other text. */
export function parseSecretArn(secretId: string): SecretArnParts | undefined {
  const match = ARN_PATTERN.exec(secretId);
  if (match === null) return undefined;
  const [, partition, region, account, resource] = match;
  return { partition: partition!, region: region!, account: account!, resource: resource! };
}

/** The region named by an ARN secret id, or `undefined` for a name. */
export function regionOfSecretId(secretId: string): string | undefined {
  return parseSecretArn(secretId)?.region;
}

/** What AWS answers with for one secret: its full ARN and its name. */
export interface SecretIdentity {
  arn?: string | undefined;
  name?: string | undefined;
}

/**
 * How closely `secretId`, as a caller wrote it, names the secret AWS answered for: 3 for the full ARN,
 * 2 for the name, 1 for a partial ARN (the full ARN less its `-XXXXXX` suffix), 0 for no match.
 */
export function matchScore(secretId: string, secret: SecretIdentity): number {
  if (secret.arn !== undefined && secretId === secret.arn) return 3;
  if (secret.name !== undefined && secretId === secret.name) return 2;
  if (
    secret.arn !== undefined &&
    secretId.startsWith('arn:') &&
    secret.arn.length === secretId.length + 7 &&
    secret.arn.startsWith(`${secretId}-`)
  ) {
    return 1;
  }
  return 0;
}

/** The entry of `secrets` that `secretId` names best, or `undefined`. */
export function findBestMatch<T extends SecretIdentity>(
  secretId: string,
  secrets: readonly T[],
): T | undefined {
  let best: T | undefined;
  let bestScore = 0;
  for (const secret of secrets) {
    const score = matchScore(secretId, secret);
    if (score > bestScore) {
      best = secret;
      bestScore = score;
    }
  }
  return best;
}
