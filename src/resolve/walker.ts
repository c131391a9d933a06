/** The walker behind walk.ts: frames on a stack, a fast path for a flat object. @internal */

import {
  ABSENT,
  type Container,
  invalidInput,
  type Kind,
  kindOf,
  type PathLink,
  type PathSegment,
  readOwn,
  type SiteVisitor,
  type Spread,
  type StringSite,
  setOwn,
  shapeOf,
  shortPath,
  spread,
  type WalkPosition,
} from './walk-access.js';

interface Frame extends PathLink {
  source: Container;
  copy: Container | undefined;
  keys: PropertyKey[];
  index: number;
  /** The copy was made by spreading the source: it already holds every value, listed here in the order of `keys`. */
  values: unknown[] | undefined;
  /** The copy was made by spreading the source (`values` is set). */
  cloned: boolean;
  /** Still on the stack: meeting its source again is a cycle. */
  open: boolean;
}

/**
 * Walks `root`, calling `visitor` for each string; in a copying walk, returns the copy (`replaceRoot` swaps a root
 * string). `maxDepth` must come from `readMaxDepth`.
 */
export function walk(
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
  const rootKind = kindOf(root, AT_ROOT, undefined);
  if (rootKind === undefined) return root;
  const rootCopy = new Walker(visitor, copying, maxDepth).run(root as Container, rootKind);
  return copying ? rootCopy : root;
}

/** The position of the root value, before any container is entered. */
const AT_ROOT: WalkPosition = { pathTo: (last) => (last === undefined ? [] : [last]) };

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

  /** `rootSpread`: the root already spread (a spread is tried once: it may run getters). */
  run(root: Container, rootKind: Kind, rootSpread?: Spread): Container | undefined {
    const { stack } = this;
    const rootCopy = this.enter(root, rootKind, undefined, rootSpread ?? null);
    next: while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const { keys, copy, cloned, source, values } = frame;
      let index = frame.index;
      while (index < keys.length) {
        const child = cloned ? values![index] : readOwn(source, keys[index]!, this);
        const key = keys[index++]!;
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

  /** `tried`: the spread of `source` when already tried (`undefined`: it could not be spread), else `null`. */
  private enter(
    source: Container,
    kind: Kind,
    segment: PathSegment | undefined,
    tried: Spread | undefined | null = null,
  ): Container | undefined {
    const { stack } = this;
    if (stack.length + 1 > this.maxDepth) {
      const here = segment === undefined ? [] : this.pathTo(segment);
      throw invalidInput(
        `it nests deeper than ${this.maxDepth} levels at ${shortPath(here)}; raise \`maxDepth\``,
      );
    }
    const isArray = kind === 'array';
    const parent = stack[stack.length - 1];
    const spreadCopy =
      tried !== null ? tried : this.copying && kind === 'object' ? spread(source) : undefined;
    let frame: Frame;
    if (spreadCopy) {
      frame = {
        source,
        copy: spreadCopy.clone,
        keys: spreadCopy.keys,
        values: spreadCopy.values,
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
      frame = {
        source,
        copy,
        keys,
        values: undefined,
        index: 0,
        segment,
        parent,
        isArray,
        cloned: false,
        open: true,
      };
    }
    this.entered?.set(source, frame);
    stack.push(frame);
    return frame.copy;
  }
}
