import type { HostileAnswer } from './types.js';

/** Where a made-up secret lives. */
export interface SecretPlace {
  region?: string;
  account?: string;
  partition?: string;
  /** AWS's 6-character suffix of the full ARN. @default 'AbCdEf' */
  suffix?: string;
}

/**
 * The full ARN of a made-up secret.
 * @example
 *   arnOf('prod/db', { account: '210987654321' }); // 'arn:aws:secretsmanager:us-east-1:210987654321:secret:prod/db-AbCdEf'
 */
export function arnOf(name: string, place: SecretPlace = {}): string {
  const { region = 'us-east-1', account = '123456789012', partition = 'aws', suffix = 'AbCdEf' } = place;
  return `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}-${suffix}`;
}

/**
 * A `GetSecretValue` answer, or a `BatchGetSecretValue` entry, for a made-up secret.
 * @example
 *   secretEntry('prod/db', 'pw', { account: '210987654321' })
 */
export function secretEntry(name: string, value: string, place: SecretPlace = {}): Record<string, unknown> {
  return {
    ARN: arnOf(name, place),
    Name: name,
    VersionId: `v-${place.account ?? '123456789012'}-${name}`,
    SecretString: value,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: 1_700_000_000,
  };
}

/**
 * An AWS error answer in the awsJson1_1 shape.
 * @example
 *   awsError('ThrottlingException', 'Rate exceeded')
 */
export function awsError(errorType: string, message = 'hostile', status = 400): HostileAnswer {
  return { status, errorType, body: { __type: errorType, Message: message } };
}

/** The ids of a `BatchGetSecretValue` request (empty for anything else). */
export function requestedIds(input: Record<string, unknown>): string[] {
  const list = input.SecretIdList;
  return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : [];
}
