import { SecretRefSyntaxError } from '../errors.js';
import type { SecretRef } from '../types.js';
import {
  describeChar,
  isSecretNameChar,
  isVersionIdChar,
  MAX_VERSION_ID_LENGTH,
  MAX_VERSION_STAGE_LENGTH,
} from './chars.js';

/** The most segments a tail holds (CloudFormation's `SecretString`, key, stage and id). */
const MAX_SEGMENTS = 4;

/**
 * The bounds of the segments the last {@link splitSegments} found: segment `n` is `[bounds[2n], bounds[2n + 1])`.
 * One scratch array for every parse (parsing is synchronous and never nested), so that splitting a tail allocates
 * nothing: a reference met once (a new string per call) costs no segment objects.
 */
const bounds = new Int32Array(2 * MAX_SEGMENTS);

/**
 * Splits `input[start, end)` at every `:` into at most `max` segments (4 at most), for the colon-separated tail of a
 * reference, and returns how many it found; their bounds are read with {@link segmentStart} and
 * {@link segmentEnd} until the next split. `input[start]` must be the `:` that opens the first segment (or
 * `start === end` for none).
 *
 * @throws {SecretRefSyntaxError} at the `:` that would open segment `max + 1`, naming `grammar`.
 */
export function splitSegments(
  input: string,
  start: number,
  end: number,
  max: number,
  grammar: string,
): number {
  let count = 0;
  let pos = start;
  while (pos < end) {
    if (count === max) {
      throw new SecretRefSyntaxError(input, pos, `too many ":" segments: expected ${grammar}`);
    }
    let next = input.indexOf(':', pos + 1);
    if (next === -1 || next > end) next = end;
    bounds[2 * count] = pos + 1;
    bounds[2 * count + 1] = next;
    count++;
    pos = next;
  }
  return count;
}

/** Where segment `index` of the last {@link splitSegments} starts. */
export function segmentStart(index: number): number {
  return bounds[2 * index]!;
}

/** Where segment `index` of the last {@link splitSegments} ends (exclusive). */
export function segmentEnd(index: number): number {
  return bounds[2 * index + 1]!;
}

function checkChars(
  input: string,
  start: number,
  end: number,
  allowed: (code: number) => boolean,
  maxLength: number,
  what: string,
): string {
  for (let i = start; i < end; i++) {
    if (!allowed(input.charCodeAt(i))) {
      throw new SecretRefSyntaxError(input, i, `${what} has invalid character ${describeChar(input, i)}`);
    }
  }
  if (end - start > maxLength) {
    throw new SecretRefSyntaxError(
      input,
      start + maxLength,
      `${what} is longer than ${maxLength} characters`,
    );
  }
  return input.slice(start, end);
}

/**
 * Applies the optional `json-key`, `version-stage` and `version-id` segments of the last {@link splitSegments} to
 * `ref`, skipping empty ones: the key is segment `first`, then the stage and the id; `count` segments were found.
 *
 * @throws {SecretRefSyntaxError} for a bad stage or id, or both given.
 */
export function applyTail(input: string, ref: SecretRef, first: number, count: number): SecretRef {
  if (first < count) {
    const start = segmentStart(first);
    const end = segmentEnd(first);
    if (end > start) ref.jsonKey = input.slice(start, end);
  }
  if (first + 1 < count) {
    const start = segmentStart(first + 1);
    const end = segmentEnd(first + 1);
    if (end > start) {
      ref.versionStage = checkChars(
        input,
        start,
        end,
        isSecretNameChar,
        MAX_VERSION_STAGE_LENGTH,
        'version stage',
      );
    }
  }
  if (first + 2 < count) {
    const start = segmentStart(first + 2);
    const end = segmentEnd(first + 2);
    if (end > start) {
      if (ref.versionStage !== undefined) {
        throw new SecretRefSyntaxError(input, start, 'versionStage and versionId are mutually exclusive');
      }
      ref.versionId = checkChars(input, start, end, isVersionIdChar, MAX_VERSION_ID_LENGTH, 'version id');
    }
  }
  return ref;
}
