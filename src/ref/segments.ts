import { SecretRefSyntaxError } from '../errors.js';
import type { SecretRef } from '../types.js';
import {
  describeChar,
  isSecretNameChar,
  isVersionIdChar,
  MAX_VERSION_ID_LENGTH,
  MAX_VERSION_STAGE_LENGTH,
} from './chars.js';

/** A `[start, end)` slice of the text being parsed. */
export interface Segment {
  start: number;
  end: number;
}

/**
 * Splits `input[start, end)` at every `:` into at most `max` segments, for the colon-separated tail of a
 * reference. `input[start]` must be the `:` that opens the first segment (or `start === end` for none).
 *
 * @throws {SecretRefSyntaxError} at the `:` that would open segment `max + 1`, naming `grammar`.
 */
export function splitSegments(
  input: string,
  start: number,
  end: number,
  max: number,
  grammar: string,
): Segment[] {
  const segments: Segment[] = [];
  let pos = start;
  while (pos < end) {
    if (segments.length === max) {
      throw new SecretRefSyntaxError(input, pos, `too many ":" segments: expected ${grammar}`);
    }
    let next = pos + 1;
    while (next < end && input.charCodeAt(next) !== 58) next++;
    segments.push({ start: pos + 1, end: next });
    pos = next;
  }
  return segments;
}

function checkChars(
  input: string,
  segment: Segment,
  allowed: (code: number) => boolean,
  maxLength: number,
  what: string,
): string {
  for (let i = segment.start; i < segment.end; i++) {
    if (!allowed(input.charCodeAt(i))) {
      throw new SecretRefSyntaxError(input, i, `${what} has invalid character ${describeChar(input, i)}`);
    }
  }
  if (segment.end - segment.start > maxLength) {
    throw new SecretRefSyntaxError(
      input,
      segment.start + maxLength,
      `${what} is longer than ${maxLength} characters`,
    );
  }
  return input.slice(segment.start, segment.end);
}

/**
 * Applies the optional `json-key`, `version-stage` and `version-id` segments to `ref`, skipping empty ones.
 *
 * @throws {SecretRefSyntaxError} for a bad stage or id, or both given.
 */
export function applyTail(
  input: string,
  ref: SecretRef,
  key: Segment | undefined,
  stage: Segment | undefined,
  versionId: Segment | undefined,
): SecretRef {
  if (key !== undefined && key.end > key.start) ref.jsonKey = input.slice(key.start, key.end);
  if (stage !== undefined && stage.end > stage.start) {
    ref.versionStage = checkChars(input, stage, isSecretNameChar, MAX_VERSION_STAGE_LENGTH, 'version stage');
  }
  if (versionId !== undefined && versionId.end > versionId.start) {
    if (ref.versionStage !== undefined) {
      throw new SecretRefSyntaxError(
        input,
        versionId.start,
        'versionStage and versionId are mutually exclusive',
      );
    }
    ref.versionId = checkChars(input, versionId, isVersionIdChar, MAX_VERSION_ID_LENGTH, 'version id');
  }
  return ref;
}
