import { SecretRefConfigError } from '../errors.js';
import { type PathLink, type PathSegment, pathTo, type SiteVisitor } from './walk-access.js';
import { walk } from './walker.js';

export type { PathLink, PathSegment, SiteVisitor, StringSite } from './walk-access.js';

/**
 * Options of every function that walks a value.
 * @example
 *   const options: WalkOptions = { maxDepth: 20 };
 *   findSecretRefs(untrustedInput, options);
 */
export interface WalkOptions {
  /**
   * How many levels of objects and arrays may nest (the root object or array is level 1). Deeper input is refused
   * with a `SecretRefError` of code `invalid_input` rather than walked, so hostile input cannot exhaust memory.
   * @default 100
   */
  maxDepth?: number;
}

/**
 * Called for every string met by the walk, with where it sits. In a copying walk, `replace` swaps the string in
 * the copy (and may be kept and called later); in a read-only walk it is `undefined`.
 */
export type StringVisitor = (
  text: string,
  path: PathSegment[],
  replace: ((next: string) => void) | undefined,
) => void;

/** @internal The default of {@link WalkOptions.maxDepth}. */
export const DEFAULT_MAX_DEPTH = 100;

/**
 * The path of the string at `key` of the container `link` stands for; `[]` for the root string (`link` undefined).
 * @internal
 */
export function linkPath(link: PathLink | undefined, key: string): PathSegment[] {
  return link === undefined ? [] : pathTo(link, link.isArray ? Number(key) : key);
}

/**
 * Validates walk options at once; returns the depth limit.
 * @internal
 */
export function readMaxDepth(options: WalkOptions | undefined): number {
  const maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (
    typeof maxDepth !== 'number' ||
    !(Number.isInteger(maxDepth) || maxDepth === Number.POSITIVE_INFINITY) ||
    maxDepth < 1
  ) {
    throw new SecretRefConfigError('maxDepth', '`maxDepth` must be a positive integer or Infinity');
  }
  return maxDepth;
}

/**
 * Visits every string inside `value` (plain objects and arrays at any depth) without copying anything.
 * Other values (Dates, Buffers, Maps, class instances…) are leaves and are not entered.
 * @example
 *   visitStrings({ a: ['x'] }, (text, path) => texts.push(`${path.join('.')}=${text}`));
 */
export function visitStrings(value: unknown, visitor: StringVisitor, options?: WalkOptions): void {
  walk(value, eager(visitor), false, readMaxDepth(options));
}

/**
 * Copies `value`: every plain object and array is new, every other value is passed through as the same reference,
 * and `visitor` may replace strings in the copy, now or later. The input is never mutated. An object met twice
 * (not a cycle) is copied once and its copy is shared, like the input; its strings are visited at the first path
 * only. Read `value` of the result after the last `replace` (a root string is replaced there).
 * @example
 *   const upper = copyStrings(config, (text, _path, replace) => replace?.(text.toUpperCase())).value;
 */
export function copyStrings(
  value: unknown,
  visitor: StringVisitor,
  options?: WalkOptions,
): { value: unknown } {
  return copyStringSites(value, eager(visitor), readMaxDepth(options));
}

/**
 * {@link copyStrings} with a {@link SiteVisitor}, which builds a path or a replacer only for the strings it
 * cares about; `maxDepth` must come from {@link readMaxDepth}.
 * @internal
 */
export function copyStringSites(value: unknown, visitor: SiteVisitor, maxDepth: number): { value: unknown } {
  if (typeof value !== 'string') return { value: walk(value, visitor, true, maxDepth) };
  const box = { value };
  walk(value, visitor, true, maxDepth, (next) => {
    box.value = next;
  });
  return box;
}

function eager(visitor: StringVisitor): SiteVisitor {
  return (text, site) => visitor(text, site.path(), site.replacer());
}
