import type { SecretValueEntry } from '@aws-sdk/client-secrets-manager';
import type { SecretPayload } from '../../types.js';

/** The fields of a `GetSecretValue` answer or a `BatchGetSecretValue` entry that a payload keeps. */
export type SecretValueFields = Pick<
  SecretValueEntry,
  'ARN' | 'Name' | 'VersionId' | 'SecretString' | 'SecretBinary' | 'VersionStages'
>;

/**
 * Converts an AWS answer into a `SecretPayload`, leaving out fields AWS did not send.
 * @example
 *   toPayload(await client.send(new GetSecretValueCommand({ SecretId: 'db' })))
 */
export function toPayload(output: SecretValueFields): SecretPayload {
  const payload: SecretPayload = {};
  if (output.SecretString !== undefined) payload.secretString = output.SecretString;
  if (output.SecretBinary !== undefined) payload.secretBinary = new Uint8Array(output.SecretBinary);
  if (output.ARN !== undefined) payload.arn = output.ARN;
  if (output.Name !== undefined) payload.name = output.Name;
  if (output.VersionId !== undefined) payload.versionId = output.VersionId;
  if (output.VersionStages !== undefined) payload.versionStages = [...output.VersionStages];
  return payload;
}
