import type { SecretPayload } from '../../types.js';
import { readBytes, readList, readRecord, readString, textItem } from './answer-shape.js';

/**
 * Converts a `GetSecretValue` answer or a `BatchGetSecretValue` entry into a `SecretPayload`, leaving out fields
 * AWS did not send. Every field is checked: a field of the wrong type throws an `AnswerShapeError` (bytes are
 * copied only when they are bytes, so a number in `SecretBinary` never becomes an allocation).
 * @example
 *   toPayload(await client.send(new GetSecretValueCommand({ SecretId: 'db' })))
 */
export function toPayload(output: unknown): SecretPayload {
  const record = readRecord(output, 'the answer');
  const payload: SecretPayload = {};
  const secretString = readString(record, 'SecretString');
  const secretBinary = readBytes(record, 'SecretBinary');
  const arn = readString(record, 'ARN');
  const name = readString(record, 'Name');
  const versionId = readString(record, 'VersionId');
  const versionStages = readList(record, 'VersionStages', textItem);
  if (secretString !== undefined) payload.secretString = secretString;
  if (secretBinary !== undefined) payload.secretBinary = new Uint8Array(secretBinary);
  if (arn !== undefined) payload.arn = arn;
  if (name !== undefined) payload.name = name;
  if (versionId !== undefined) payload.versionId = versionId;
  if (versionStages !== undefined) payload.versionStages = versionStages;
  return payload;
}
