import { SecretRefSyntaxError } from '../errors.js';
import type { SecretRef } from '../types.js';
import {
  checkChars,
  isSecretNameChar,
  isVersionIdChar,
  MAX_VERSION_ID_LENGTH,
  MAX_VERSION_STAGE_LENGTH,
} from './chars.js';

/**
 * Splits `input[start, end)` at every `:` into at most `max` segments, for the colon-separated tail of a reference,
 * and returns their bounds: segment `n` is `[bounds[2n], bounds[2n + 1])`. `input[start]` must be the `:` that opens
 * the first segment (or `start === end` for none).
 *
 * @throws {SecretRefSyntaxError} at the `:` that would open segment `max + 1`, naming `grammar`.
 */
export function splitSegments(
  input: string,
  start: number,
  end: number,
  max: number,
  grammar: string,
): number[] {
  const bounds: number[] = [];
  let pos = start;
  while (pos < end) {
    if (bounds.length === 2 * max) {
      throw new SecretRefSyntaxError(input, pos, `too many ":" segments: expected ${grammar}`);
    }
    let next = input.indexOf(':', pos + 1);
    if (next === -1 || next > end) next = end;
    bounds.push(pos + 1, next);
    pos = next;
  }
  return bounds;
}

/**
 * Applies the optional `json-key`, `version-stage` and `version-id` segments (`bounds` from {@link splitSegments})
 * to `ref`, skipping empty ones: the key is segment `first`, then the stage and the id.
 *
 * @throws {SecretRefSyntaxError} for a bad stage or id, or both given.
 */
export function applyTail(
  input: string,
  ref: SecretRef,
  first: number,
  bounds: readonly number[],
): SecretRef {
  // Segment `n` is `[bounds[2n], bounds[2n + 1])`; a segment past the last is empty.
  const keyStart = bounds[2 * first] ?? 0;
  const keyEnd = bounds[2 * first + 1] ?? 0;
  if (keyEnd > keyStart) ref.jsonKey = input.slice(keyStart, keyEnd);
  const stageStart = bounds[2 * first + 2] ?? 0;
  const stageEnd = bounds[2 * first + 3] ?? 0;
  if (stageEnd > stageStart) {
    ref.versionStage = checkChars(
      input,
      stageStart,
      stageEnd,
      isSecretNameChar,
      MAX_VERSION_STAGE_LENGTH,
      'version stage',
    );
  }
  const idStart = bounds[2 * first + 4] ?? 0;
  const idEnd = bounds[2 * first + 5] ?? 0;
  if (idEnd > idStart) {
    if (ref.versionStage !== undefined) {
      throw new SecretRefSyntaxError(input, idStart, 'versionStage and versionId are mutually exclusive');
    }
    ref.versionId = checkChars(input, idStart, idEnd, isVersionIdChar, MAX_VERSION_ID_LENGTH, 'version id');
  }
  return ref;
}
