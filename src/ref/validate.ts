import { SecretRefError, SecretRefSyntaxError } from '../errors.js';
import type { SecretRef, SecretRefStyle } from '../types.js';
import {
  isManagerChar,
  isSecretNameChar,
  isVersionIdChar,
  MAX_MANAGER_LENGTH,
  MAX_VERSION_ID_LENGTH,
  MAX_VERSION_STAGE_LENGTH,
  quote,
} from './chars.js';
import { checkParameterRef } from './parameter.js';
import { readSecretId } from './secret-id.js';

function invalid(message: string, cause?: unknown): SecretRefError {
  return new SecretRefError('invalid_reference', `Invalid secret reference: ${message}`, { cause });
}

function readField(ref: Record<string, unknown>, field: keyof SecretRef): string | undefined {
  const value = ref[field];
  if (value === undefined && field !== 'secretId') return undefined;
  if (typeof value !== 'string') throw invalid(`\`${field}\` must be a string, got ${typeof value}`);
  if (value === '') throw invalid(`\`${field}\` must not be empty${field === 'secretId' ? '' : '; omit it'}`);
  return value;
}

function checkChars(
  value: string,
  field: string,
  allowed: (code: number) => boolean,
  maxLength: number,
): void {
  for (let i = 0; i < value.length; i++) {
    if (!allowed(value.charCodeAt(i))) {
      throw invalid(`\`${field}\` has invalid character ${JSON.stringify(value[i])} at offset ${i}`);
    }
  }
  if (value.length > maxLength) throw invalid(`\`${field}\` is longer than ${maxLength} characters`);
}

function checkSecretId(secretId: string): void {
  let end: number;
  try {
    end = readSecretId(secretId, 0, secretId.length);
  } catch (error) {
    // The grammar reports a syntax error by throwing it: here it becomes the caller's invalid `secretId`.
    if (error instanceof SecretRefSyntaxError) {
      throw invalid(`\`secretId\` ${quote(secretId, 120)}: ${error.reason} at offset ${error.offset}`, error);
    }
    throw error;
  }
  if (end !== secretId.length) {
    throw invalid(
      `\`secretId\` ${quote(secretId, 120)} has ":" at offset ${end} outside an ARN; put a JSON key in \`jsonKey\``,
    );
  }
}

function checkStyle(ref: SecretRef, style: SecretRefStyle): void {
  const key = ref.jsonKey;
  if (ref.secretId === 'arn' && (key ?? ref.versionStage ?? ref.versionId) !== undefined) {
    throw invalid('a secret named "arn" cannot be followed by a JSON key or version in text; use its ARN');
  }
  if (style === 'activepieces') {
    if (ref.manager === undefined)
      throw invalid('the "activepieces" style needs `manager` (the connection id)');
    if (ref.versionStage !== undefined || ref.versionId !== undefined) {
      throw invalid('the "activepieces" style cannot express `versionStage` or `versionId`');
    }
  } else {
    if (ref.manager !== undefined) {
      throw invalid(`the "${style}" style cannot express \`manager\`; use the "activepieces" style`);
    }
    if (key?.includes(':')) throw invalid(`the "${style}" style cannot express a \`jsonKey\` containing ":"`);
  }
  if (
    style !== 'ecs' &&
    key !== undefined &&
    (key.includes('}}') || key.includes('{{') || key.endsWith('}'))
  ) {
    throw invalid(
      `the "${style}" style cannot express a \`jsonKey\` containing "{{" or "}}", or ending with "}"`,
    );
  }
}

/**
 * Checks a {@link SecretRef} object and returns a clean copy holding only the fields that are set.
 * With `style`, also checks that the style can write it (see `formatSecretRef`).
 *
 * @throws {SecretRefError} with code `invalid_reference` naming the field at fault.
 */
export function validateSecretRef(ref: unknown, style?: SecretRefStyle): SecretRef {
  if (typeof ref !== 'object' || ref === null || Array.isArray(ref)) {
    throw invalid(`expected an object with a \`secretId\`, got ${ref === null ? 'null' : typeof ref}`);
  }
  const source = ref as Record<string, unknown>;
  if (source.service !== undefined) return validateParameterRef(source, style);
  const secretId = readField(source, 'secretId') as string;
  checkSecretId(secretId);
  const clean: SecretRef = { secretId };
  const jsonKey = readField(source, 'jsonKey');
  if (jsonKey !== undefined) clean.jsonKey = jsonKey;
  const versionStage = readField(source, 'versionStage');
  if (versionStage !== undefined) {
    checkChars(versionStage, 'versionStage', isSecretNameChar, MAX_VERSION_STAGE_LENGTH);
    clean.versionStage = versionStage;
  }
  const versionId = readField(source, 'versionId');
  if (versionId !== undefined) {
    if (versionStage !== undefined) throw invalid('`versionStage` and `versionId` are mutually exclusive');
    checkChars(versionId, 'versionId', isVersionIdChar, MAX_VERSION_ID_LENGTH);
    clean.versionId = versionId;
  }
  const manager = readField(source, 'manager');
  if (manager !== undefined) {
    checkChars(manager, 'manager', isManagerChar, MAX_MANAGER_LENGTH);
    clean.manager = manager;
  }
  if (style !== undefined) checkStyle(clean, style);
  return clean;
}

/** A Parameter Store reference: a service, a name or ARN, at most one of version and label, nothing else. */
function validateParameterRef(source: Record<string, unknown>, style?: SecretRefStyle): SecretRef {
  const service = source.service;
  if (service !== 'ssm' && service !== 'ssm-secure') {
    throw invalid(
      `\`service\` must be "ssm" or "ssm-secure" (or absent for Secrets Manager), got ${typeof service === 'string' ? quote(service) : typeof service}`,
    );
  }
  const secretId = readField(source, 'secretId') as string;
  const versionStage = readField(source, 'versionStage');
  const versionId = readField(source, 'versionId');
  if (versionStage !== undefined && versionId !== undefined) {
    throw invalid('`versionStage` and `versionId` are mutually exclusive');
  }
  if (readField(source, 'jsonKey') !== undefined) {
    throw invalid("a Parameter Store reference has no `jsonKey`: its value is the parameter's text");
  }
  const manager = readField(source, 'manager');
  if (manager !== undefined) throw invalid('a Parameter Store reference has no `manager`');
  let checked: SecretRef;
  try {
    checked = checkParameterRef({ secretId, versionId, versionStage }, service);
  } catch (error) {
    // The grammar reports a syntax error by throwing it: here it becomes the caller's invalid `secretId`.
    if (error instanceof SecretRefSyntaxError) throw invalid(`\`secretId\`: ${error.reason}`, error);
    throw error;
  }
  if (style === 'activepieces')
    throw invalid('the "activepieces" style cannot express a Parameter Store reference');
  if (
    style === 'ecs' &&
    (service !== 'ssm-secure' ||
      !secretId.startsWith('arn:') ||
      versionId !== undefined ||
      versionStage !== undefined)
  ) {
    throw invalid(
      'the "ecs" style writes a Parameter Store reference only as a parameter ARN with `service: "ssm-secure"` and no version or label',
    );
  }
  return checked;
}
