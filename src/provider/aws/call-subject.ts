/** The call an AWS error came from, for a message that says what to fix. */
export interface AwsErrorContext {
  action: 'GetSecretValue' | 'BatchGetSecretValue' | 'ListSecrets' | 'DescribeSecret';
  /** The secret id as the caller wrote it. */
  secretId?: string | undefined;
  versionStage?: string | undefined;
  versionId?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  requestTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** How messages name what a call was about: `secret "db" (version stage "AWSPREVIOUS")`, or `secrets`. */
export function describeSubject(context: AwsErrorContext): string {
  if (context.secretId === undefined) return 'secrets';
  const version =
    context.versionId !== undefined
      ? ` (version id "${context.versionId}")`
      : context.versionStage !== undefined
        ? ` (version stage "${context.versionStage}")`
        : '';
  return `secret "${context.secretId}"${version}`;
}

/** The text with its first letter in upper case. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** AWS's message on one line, cut at 200 characters. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
