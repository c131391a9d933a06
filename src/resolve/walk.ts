import { SecretRefConfigError } from '../errors.js';
import {
  ABSENT,
  type Container,
  invalidInput,
  type Kind,
  kindOf,
  readOwn,
  setOwn,
  shapeOf,
  shortPath,
  spread,
  type WalkPosition,
} from './walk-access.js';

/**
 * One step of a path: an object key or an array index.
 * @example
 *   const path: PathSegment[] = ['props', 'headers', 0];
 *   formatPath(path); // 'props.headers[0]'
 */
export type PathSegment = string | number;

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
 * The path of the string at `key` of the container `link` stands for; `[]` for the root string (`link` undefined).
 * @internal
 */
export function linkPath(link: PathLink | undefined, key: string): PathSegment[] {
  if (link === undefined) return [];
  const path: PathSegment[] = [link.isArray ? Number(key) : key];
  for (let at: PathLink | undefined = link; at?.segment !== undefined; at = at.parent) path.push(at.segment);
  return path.reverse();
}

interface Frame extends PathLink {
  source: Container;
  copy: Container | undefined;
  keys: PropertyKey[];
  index: number;
  /** The copy was made by spreading the source: it already holds every value, read from it. */
  cloned: boolean;
  /** Still on the stack: meeting its source again is a cycle. */
  open: boolean;
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
  const box = { value };
  const copy = walk(value, visitor, true, maxDepth, (next) => {
    box.value = next;
  });
  if (typeof value !== 'string') box.value = copy;
  return box;
}

function eager(visitor: StringVisitor): SiteVisitor {
  return (text, site) => visitor(text, site.path(), site.replacer());
}

function walk(
  root: unknown,
  visitor: SiteVisitor,
  copying: boolean,
  maxDepth: number,
  replaceRoot?: (next: string) => void,
): unknown {
  if (typeof root === 'string') {
    visitor(root, { path: () => [], replacer: () => replaceRoot, link: () => undefined, key: () => '' });
    return root;
  }
  const walker = new Walker(visitor, copying, maxDepth);
  const rootKind = kindOf(root, walker, undefined);
  if (rootKind === undefined) return root;
  const rootCopy = walker.run(root as Container, rootKind);
  return copying ? rootCopy : root;
}

/** One walk; while the visitor runs, it is the {@link StringSite} of the string being visited. */
class Walker implements StringSite, WalkPosition {
  /** Containers entered so far, by source; made when the first nested one is met (a flat value needs none). */
  private entered: Map<object, Frame> | undefined;
  private readonly stack: Frame[] = [];
  private visitedKey = '';

  constructor(
    private readonly visitor: SiteVisitor,
    private readonly copying: boolean,
    private readonly maxDepth: number,
  ) {}

  run(root: Container, rootKind: Kind): Container | undefined {
    const { stack } = this;
    const rootCopy = this.enter(root, rootKind, undefined);
    next: while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const { keys, copy, cloned, source } = frame;
      let index = frame.index;
      while (index < keys.length) {
        const key = keys[index++]!;
        const child = cloned ? (copy as Record<string, unknown>)[key as string] : readOwn(source, key, this);
        if (child === ABSENT) continue;
        if (typeof key === 'symbol') {
          if (copy) setOwn(copy, key, child);
          continue;
        }
        if (typeof child === 'string') {
          if (copy && !cloned) setOwn(copy, key, child);
          this.visitedKey = key as string;
          this.visitor(child, this);
          continue;
        }
        if (child === null || typeof child !== 'object') {
          if (copy && !cloned) setOwn(copy, key, child);
          continue;
        }
        const segment: PathSegment = frame.isArray ? Number(key) : key;
        const kind = kindOf(child, this, segment);
        if (kind === undefined) {
          if (copy && !cloned) setOwn(copy, key, child);
          continue;
        }
        this.entered ??= new Map([[stack[0]!.source, stack[0]!]]);
        const met = this.entered.get(child as object);
        if (met?.open) {
          throw invalidInput(
            `it refers back to one of its own parents at ${shortPath(this.pathTo(segment))} (a cycle)`,
          );
        }
        if (met) {
          if (copy) setOwn(copy, key, met.copy);
          continue;
        }
        frame.index = index;
        const entered = this.enter(child as Container, kind, segment);
        if (copy) setOwn(copy, key, entered);
        continue next;
      }
      stack.pop();
      frame.open = false;
    }
    return rootCopy;
  }

  /** The path from the root to the current container, then `last`; `last` undefined at the root. */
  pathTo(last?: PathSegment): PathSegment[] {
    const path: PathSegment[] = [];
    for (let i = 1; i < this.stack.length; i++) path.push(this.stack[i]!.segment!);
    if (last !== undefined) path.push(last);
    return path;
  }

  path(): PathSegment[] {
    const frame = this.stack[this.stack.length - 1]!;
    return this.pathTo(frame.isArray ? Number(this.visitedKey) : this.visitedKey);
  }

  link(): PathLink {
    return this.stack[this.stack.length - 1]!;
  }

  key(): string {
    return this.visitedKey;
  }

  replacer(): ((next: string) => void) | undefined {
    const target = this.stack[this.stack.length - 1]!.copy;
    const key = this.visitedKey;
    return target ? (next) => setOwn(target, key, next) : undefined;
  }

  private enter(source: Container, kind: Kind, segment: PathSegment | undefined): Container | undefined {
    const { stack } = this;
    if (stack.length + 1 > this.maxDepth) {
      const here = segment === undefined ? [] : this.pathTo(segment);
      throw invalidInput(
        `it nests deeper than ${this.maxDepth} levels at ${shortPath(here)}; raise \`maxDepth\``,
      );
    }
    const isArray = kind === 'array';
    const parent = stack[stack.length - 1];
    const spreadCopy = this.copying && kind === 'object' ? spread(source) : undefined;
    let frame: Frame;
    if (spreadCopy) {
      frame = {
        source,
        copy: spreadCopy.clone,
        keys: spreadCopy.keys,
        index: 0,
        segment,
        parent,
        isArray,
        cloned: true,
        open: true,
      };
    } else {
      const { keys, length } = shapeOf(source, isArray, this, segment);
      const copy: Container | undefined = this.copying
        ? isArray
          ? new Array(length)
          : kind === 'bare'
            ? Object.create(null)
            : {}
        : undefined;
      frame = { source, copy, keys, index: 0, segment, parent, isArray, cloned: false, open: true };
    }
    this.entered?.set(source, frame);
    stack.push(frame);
    return frame.copy;
  }
}
