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
