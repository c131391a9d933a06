import { formatPath, SecretRefConfigError, SecretRefError } from '../errors.js';

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/** Options of every function that walks a value. */
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

type Container = Record<PropertyKey, unknown> | unknown[];

interface Frame {
  source: Container;
  copy: Container | undefined;
  keys: PropertyKey[];
  index: number;
  /** The key or index of this container in its parent; undefined for the root. */
  segment: PathSegment | undefined;
  isArray: boolean;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

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

/** What the walker descends into: arrays, objects with `Object.prototype` and objects with a null prototype. */
type Kind = 'array' | 'object' | 'bare';

function kindOf(value: unknown, path: () => PathSegment[]): Kind | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  try {
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value)) return proto === Array.prototype ? 'array' : undefined;
    return proto === Object.prototype ? 'object' : proto === null ? 'bare' : undefined;
  } catch (error) {
    throw invalidInput(`the value at ${shortPath(path())} could not be inspected`, error);
  }
}

/**
 * Visits every string inside `value` (plain objects and arrays at any depth) without copying anything.
 * Other values (Dates, Buffers, Maps, class instances…) are leaves and are not entered.
 * @example
 *   visitStrings({ a: ['x'] }, (text, path) => texts.push(`${path.join('.')}=${text}`));
 */
export function visitStrings(value: unknown, visitor: StringVisitor, options?: WalkOptions): void {
  walk(value, visitor, false, readMaxDepth(options));
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
  const box = { value };
  const copy = walk(value, visitor, true, readMaxDepth(options), (next) => {
    box.value = next;
  });
  if (typeof value !== 'string') box.value = copy;
  return box;
}

function walk(
  root: unknown,
  visitor: StringVisitor,
  copying: boolean,
  maxDepth: number,
  replaceRoot?: (next: string) => void,
): unknown {
  if (typeof root === 'string') {
    visitor(root, [], replaceRoot);
    return root;
  }
  const rootKind = kindOf(root, () => []);
  if (rootKind === undefined) return root;

  const ancestors = new Set<object>();
  const copies = new Map<object, Container | undefined>();
  const stack: Frame[] = [];
  const pathTo = (...last: PathSegment[]): PathSegment[] => {
    const path: PathSegment[] = [];
    for (let i = 1; i < stack.length; i++) path.push(stack[i]!.segment!);
    path.push(...last);
    return path;
  };
  const enter = (source: Container, kind: Kind, segment: PathSegment | undefined): Container | undefined => {
    const here = () => (segment === undefined ? [] : pathTo(segment));
    if (stack.length + 1 > maxDepth) {
      throw invalidInput(
        `it nests deeper than ${maxDepth} levels at ${shortPath(here())}; raise \`maxDepth\``,
      );
    }
    const isArray = kind === 'array';
    const { keys, length } = shapeOf(source, isArray, here);
    const copy: Container | undefined = copying
      ? isArray
        ? new Array(length)
        : Object.create(kind === 'bare' ? null : Object.prototype)
      : undefined;
    ancestors.add(source);
    copies.set(source, copy);
    stack.push({ source, copy, keys, index: 0, segment, isArray });
    return copy;
  };

  const rootCopy = enter(root as Container, rootKind, undefined);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.index >= frame.keys.length) {
      stack.pop();
      ancestors.delete(frame.source);
      continue;
    }
    const key = frame.keys[frame.index++]!;
    const found = readOwn(frame.source, key, pathTo);
    if (!found.present) continue;
    let child = found.value;
    if (typeof key === 'symbol') {
      if (frame.copy) setOwn(frame.copy, key, child);
      continue;
    }
    const segment: PathSegment = frame.isArray ? Number(key) : key;
    if (typeof child === 'string') {
      const target = frame.copy;
      if (target) setOwn(target, key, child);
      visitor(child, pathTo(segment), target ? (next) => setOwn(target, key, next) : undefined);
      continue;
    }
    const kind = kindOf(child, () => pathTo(segment));
    if (kind !== undefined) {
      if (ancestors.has(child as object)) {
        throw invalidInput(
          `it refers back to one of its own parents at ${shortPath(pathTo(segment))} (a cycle)`,
        );
      }
      child = copies.has(child as object)
        ? copies.get(child as object)
        : enter(child as Container, kind, segment);
    }
    if (frame.copy) setOwn(frame.copy, key, child);
  }
  return copying ? rootCopy : root;
}

function shapeOf(
  source: Container,
  isArray: boolean,
  path: () => PathSegment[],
): { keys: PropertyKey[]; length: number } {
  try {
    const names = Object.keys(source);
    if (isArray) {
      const keys = names.filter((name) => ARRAY_INDEX.test(name) && Number(name) < 2 ** 32 - 1);
      return { keys, length: (source as unknown[]).length };
    }
    const symbols = Object.getOwnPropertySymbols(source).filter((symbol) =>
      Object.prototype.propertyIsEnumerable.call(source, symbol),
    );
    return { keys: symbols.length === 0 ? names : [...names, ...symbols], length: 0 };
  } catch (error) {
    throw invalidInput(`its keys could not be listed at ${shortPath(path())}`, error);
  }
}

function readOwn(
  source: Container,
  key: PropertyKey,
  pathTo: (...last: PathSegment[]) => PathSegment[],
): { present: true; value: unknown } | { present: false } {
  try {
    const descriptor = Object.getOwnPropertyDescriptor(source, key);
    if (descriptor === undefined) return { present: false };
    if ('value' in descriptor) return { present: true, value: descriptor.value };
    return { present: true, value: descriptor.get ? descriptor.get.call(source) : undefined };
  } catch (error) {
    const where =
      typeof key === 'symbol'
        ? `${shortPath(pathTo())} (key ${String(key)})`
        : shortPath(pathTo(Array.isArray(source) ? Number(key) : key));
    throw invalidInput(`reading ${where} threw`, error);
  }
}

function setOwn(target: Container, key: PropertyKey, value: unknown): void {
  if (Array.isArray(target)) target[key as unknown as number] = value;
  else Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function invalidInput(reason: string, cause?: unknown): SecretRefError {
  return new SecretRefError('invalid_input', `Cannot walk the value: ${reason}`, { cause });
}

function shortPath(path: readonly PathSegment[]): string {
  if (path.length <= 12) return formatPath(path);
  return `${formatPath(path.slice(0, 6))}…${formatPath(path.slice(-3)).replace(/^(?=[A-Za-z_$])/, '.')} (${path.length} levels)`;
}
