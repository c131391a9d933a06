import type { SecretRefSyntaxError } from '../errors.js';
import { scanSecretRefs } from '../ref/scan.js';
import type { SecretRef, SecretRefMatch } from '../types.js';
import { type PathSegment, readMaxDepth, type WalkOptions } from './walk.js';
import { walk } from './walker.js';

/**
 * One reference found inside a value. A well-formed reference has `ref`; a span that is clearly meant as a
 * reference but does not follow the grammar has `error` instead, so a checker can report it.
 * @example
 *   const found: FoundSecretRef[] = findSecretRefs(connection);
 *   for (const { path, error } of found) if (error) problems.push(`${formatPath(path)}: ${error.reason}`);
 */
export type FoundSecretRef = {
  /** Where the string sits: object keys and array indexes from the root (`[]` when the value is the string). */
  path: PathSegment[];
  /** The reference text, exactly as written. */
  text: string;
  /** Offset of the reference in its string. */
  start: number;
  /** Offset just past the reference in its string. */
  end: number;
  /** True when the string is exactly the reference, so it resolves to the secret value alone. */
  whole: boolean;
} & ({ ref: SecretRef; error?: undefined } | { ref?: undefined; error: SecretRefSyntaxError });

/**
 * Lists every secret reference (forms 1 and 2, whole or embedded) in every string of `value`, walking plain
 * objects and arrays at any depth. It fetches nothing. Object keys are not searched; non-plain objects are not
 * entered. An object reachable at several paths (not a cycle) is walked once: its references are listed at the
 * first path met. Throws a `SecretRefError` with code `invalid_input` for a cycle, nesting beyond `maxDepth` or a
 * property that throws when read.
 * @example
 *   findSecretRefs({ props: { apiKey: '{{conn1|ap_sep_v1|prod/api:key}}' } });
 *   // [{ path: ['props', 'apiKey'], ref: { manager: 'conn1', secretId: 'prod/api', jsonKey: 'key' }, whole: true, … }]
 */
export function findSecretRefs(value: unknown, options?: WalkOptions): FoundSecretRef[] {
  const found: FoundSecretRef[] = [];
  walk(
    value,
    (text, site) => {
      // Most strings hold no reference: their path is never built.
      if (text.indexOf('{{') === -1) return;
      const matches = scanSecretRefs(text);
      if (matches.length === 0) return;
      const path = site.path();
      for (const match of matches) found.push(toFound(match, text, path));
    },
    false,
    readMaxDepth(options),
  );
  return found;
}

/** @internal Turns a scanner match into a {@link FoundSecretRef}. */
export function toFound(match: SecretRefMatch, text: string, path: PathSegment[]): FoundSecretRef {
  const base = {
    path: [...path],
    text: match.text,
    start: match.start,
    end: match.end,
    whole: match.start === 0 && match.end === text.length,
  };
  return match.error ? { ...base, error: match.error } : { ...base, ref: match.ref };
}
