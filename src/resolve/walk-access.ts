/** How the walker of walk.ts inspects, reads and writes containers, hostile ones included. @internal */
import { formatPath, SecretRefError } from '../errors.js';

/**
 * One step of a path: an object key or an array index.
 * @example
 *   const path: PathSegment[] = ['props', 'headers', 0];
 *   formatPath(path); // 'props.headers[0]'
 */
export type PathSegment = string | number;

/**
 * Where a container sits: its key in its parent, and the parent's link; it outlives the walk, so a path can be built
 * after it (see {@link linkPath}).
 * @internal
 */
export interface PathLink {
  /** The key or index of this container in its parent; undefined for the root. */
  readonly segment: PathSegment | undefined;
  readonly parent: PathLink | undefined;
  readonly isArray: boolean;
  /** The container's copy, in a copying walk. */
  readonly copy: Container | undefined;
}

/**
 * Where the string being visited sits, for a {@link SiteVisitor}; valid only during that visit. Nothing is built
 * unless asked for, so a walk that finds nothing of interest allocates no path and no replacer.
 * @internal
 */
export interface StringSite {
  /** A new array holding the path of the string. */
  path(): PathSegment[];
  /** A function that swaps the string in the copy (now or later); `undefined` in a read-only walk. */
  replacer(): ((next: string) => void) | undefined;
  /** The container holding the string, as a link that outlives the walk; `undefined` for a root string. */
  link(): PathLink | undefined;
  /** The key of the string in its container (an array index as text); `''` for a root string. */
  key(): string;
}

/** @internal Called for every string met by the walk; see {@link StringSite}. */
export type SiteVisitor = (text: string, site: StringSite) => void;

/** A plain object or array the walker enters. */
export type Container = Record<PropertyKey, unknown> | unknown[];

/**
 * A container the walk has entered: its {@link PathLink} (what a site's `link()` returns) and whether the walk is
 * still inside it.
 */
export interface Entry extends PathLink {
  copy: Container | undefined;
  readonly source: Container;
  /** Still being walked: meeting its source again is a cycle. */
  open: boolean;
}

/** The path from the root to the container `at` (undefined: the root's parent), then `last`. */
export function pathTo(at: PathLink | undefined, last?: PathSegment): PathSegment[] {
  const path: PathSegment[] = last === undefined ? [] : [last];
  for (let link = at; link?.segment !== undefined; link = link.parent) path.push(link.segment);
  return path.reverse();
}

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

/** What the walker descends into: arrays, objects with `Object.prototype` and objects with a null prototype. */
export type Kind = 'array' | 'object' | 'bare';

/**
 * The kind of container `value` (at `segment` of the container `at`) is, or `undefined` for a leaf; a value that
 * cannot be inspected is refused.
 */
export function kindOf(
  value: unknown,
  at: PathLink | undefined,
  segment: PathSegment | undefined,
): Kind | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  try {
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value)) return proto === Array.prototype ? 'array' : undefined;
    return proto === Object.prototype ? 'object' : proto === null ? 'bare' : undefined;
  } catch (error) {
    throw invalidInput(`the value at ${shortPath(pathTo(at, segment))} could not be inspected`, error);
  }
}

/** Arrays longer than this may be sparse (length 2^32 - 2, a few elements): they are walked by their present keys. */
export const LONG_ARRAY = 1_024;

/**
 * A copy of a plain object or array (not a proxy) holding its own enumerable data (getters read once): a spread for
 * an object (spreading defines rather than assigns, so `__proto__` stays an own key; symbols are copied too),
 * `slice` for an array. `undefined` when something throws, so the caller reads it key by key and reports where it
 * failed.
 */
export function shallowCopy(source: Container, kind: Kind): Container | undefined {
  try {
    if (kind === 'array') return (source as unknown[]).slice();
    return kind === 'object' ? { ...source } : Object.assign(Object.create(null), source);
  } catch {
    return undefined;
  }
}

/** The keys to walk (enumerable own; array indexes only) and, for an array, its length; refused if unlistable. */
export function shapeOf(source: Container, at: Entry): { keys: PropertyKey[]; length: number } {
  let shape: { keys: PropertyKey[]; length: unknown };
  try {
    const names = Object.keys(source);
    if (at.isArray) {
      const keys = names.filter((name) => ARRAY_INDEX.test(name) && Number(name) < 2 ** 32 - 1);
      shape = { keys, length: (source as unknown[]).length };
    } else {
      const symbols = Object.getOwnPropertySymbols(source).filter((symbol) =>
        Object.prototype.propertyIsEnumerable.call(source, symbol),
      );
      return { keys: symbols.length === 0 ? names : [...names, ...symbols], length: 0 };
    }
  } catch (error) {
    throw invalidInput(`its keys could not be listed at ${shortPath(pathTo(at))}`, error);
  }
  // Only a proxy can report a length no array has (an integer from 0 to 2^32 - 1): a copy cannot be made of it.
  const { length } = shape;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length >= 2 ** 32) {
    throw invalidInput(`it reports a length that no array has at ${shortPath(pathTo(at))}`);
  }
  return { keys: shape.keys, length };
}

/** What {@link readOwn} returns for a property that is gone by the time it is read. */
export const ABSENT: unique symbol = Symbol('absent');

/** The own property's value (a getter is called once), or {@link ABSENT} when it is gone. */
export function readOwn(source: Container, key: PropertyKey, at: Entry): unknown {
  try {
    const descriptor = Object.getOwnPropertyDescriptor(source, key);
    if (descriptor === undefined) return ABSENT;
    if ('value' in descriptor) return descriptor.value;
    return descriptor.get ? descriptor.get.call(source) : undefined;
  } catch (error) {
    throw readFailed(at, key, error);
  }
}

/** The error of a property of the container `at` that threw when read. */
export function readFailed(at: PathLink, key: PropertyKey, cause: unknown): SecretRefError {
  const where =
    typeof key === 'symbol'
      ? `${shortPath(pathTo(at))} (key ${String(key)})`
      : shortPath(pathTo(at, at.isArray ? Number(key) : key));
  return invalidInput(`reading ${where} threw`, cause);
}

/** The keys `Object.prototype` holds (`__proto__`, `constructor`, `toString`…), read once at load. */
const INHERITED: ReadonlySet<PropertyKey> = new Set(Reflect.ownKeys(Object.prototype));

/**
 * Sets an own data property. Plain assignment would run an inherited setter (`__proto__`) or fail on a frozen
 * `Object.prototype`, so a key `Object.prototype` holds is defined instead.
 */
export function setOwn(target: Container, key: PropertyKey, value: unknown): void {
  if (INHERITED.has(key) && !Array.isArray(target)) {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    (target as Record<PropertyKey, unknown>)[key] = value;
  }
}

/** The `invalid_input` error of a value the walker refuses. */
export function invalidInput(reason: string, cause?: unknown): SecretRefError {
  return new SecretRefError('invalid_input', `Cannot walk the value: ${reason}`, { cause });
}

/** A path for an error message, shortened in the middle when deep. */
export function shortPath(path: readonly PathSegment[]): string {
  if (path.length <= 12) return formatPath(path);
  return `${formatPath(path.slice(0, 6))}…${formatPath(path.slice(-3)).replace(/^(?=[A-Za-z_$])/, '.')} (${path.length} levels)`;
}
