/** The walker behind walk.ts: frames on a stack (deep input cannot overflow the call stack). @internal */

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
  type StringSite,
  setOwn,
  shallowCopy,
  shapeOf,
  shortPath,
  type WalkPosition,
} from './walk-access.js';

interface Frame extends PathLink {
  source: Container;
  copy: Container | undefined;
  /** The keys to walk; `undefined` for a copied array (walked by index up to `length`). */
  keys: PropertyKey[] | undefined;
  length: number;
  index: number;
  /** The copy was made whole by {@link shallowCopy}: values are read from it and are already in place. */
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

/** Up to this many containers are told apart by a scan; more get a map. */
const SCANNED = 16;

/** One walk; while the visitor runs, it is the {@link StringSite} of the string being visited. */
class Walker implements StringSite, WalkPosition {
  /**
   * Containers entered below the root, in order, with their frames (made at the first: a flat value needs none);
   * a map once there are more than {@link SCANNED}.
   */
  private sources: object[] | undefined;
  private frames: Frame[] | undefined;
  private entered: Map<object, Frame> | undefined;
  private readonly stack: Frame[] = [];
  /** The key of the string being visited; an array index as a number (made a string only when asked for). */
  private visitedKey: string | number = '';

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
      const { keys, copy, cloned, source, length } = frame;
      let index = frame.index;
      while (index < length) {
        // A copied array is read by index: its keys are never made strings unless a site asks for one.
        const key: PropertyKey = keys === undefined ? index : keys[index]!;
        const child = cloned ? (copy as Record<PropertyKey, unknown>)[key] : readOwn(source, key, this);
        index++;
        if (child === ABSENT) continue;
        if (typeof key === 'symbol') {
          if (copy && !cloned) setOwn(copy, key, child);
          continue;
        }
        if (typeof child === 'string') {
          if (copy && !cloned) setOwn(copy, key, child);
          this.visitedKey = key;
          this.visitor(child, this);
          continue;
        }
        if (child === null || typeof child !== 'object') {
          if (copy && !cloned) setOwn(copy, key, child);
          continue;
        }
        const segment: PathSegment = frame.isArray ? index - 1 : key;
        const kind = kindOf(child, this, segment);
        if (kind === undefined) {
          if (copy && !cloned) setOwn(copy, key, child);
          continue;
        }
        const met = this.met(child as object);
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

  /**
   * The frame of a container entered before, if `source` was: a scan of the few entered so far (a connection holds
   * a handful of containers, and a map per nested walk cost more than the scan), a map past {@link SCANNED}.
   */
  private met(source: object): Frame | undefined {
    const root = this.stack[0]!;
    if (root.source === source) return root;
    const { entered, sources } = this;
    if (entered !== undefined) return entered.get(source);
    if (sources === undefined) return undefined;
    for (let at = 0; at < sources.length; at++) if (sources[at] === source) return this.frames![at];
    return undefined;
  }

  /** Remembers the frame of a container entered, for {@link met}. */
  private remember(source: object, frame: Frame): void {
    if (this.stack.length === 0) return;
    if (this.entered !== undefined) {
      this.entered.set(source, frame);
      return;
    }
    this.sources ??= [];
    this.frames ??= [];
    const { sources, frames } = this;
    sources.push(source);
    frames.push(frame);
    if (sources.length > SCANNED) {
      this.entered = new Map();
      for (let at = 0; at < sources.length; at++) this.entered.set(sources[at]!, frames[at]!);
    }
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
    return this.pathTo(frame.isArray ? Number(this.visitedKey) : (this.visitedKey as string));
  }

  link(): PathLink {
    return this.stack[this.stack.length - 1]!;
  }

  key(): string {
    return String(this.visitedKey);
  }

  replacer(): ((next: string) => void) | undefined {
    const target = this.stack[this.stack.length - 1]!.copy;
    const key = String(this.visitedKey);
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
    const cloned = this.copying ? shallowCopy(source, kind) : undefined;
    let frame: Frame;
    if (cloned !== undefined) {
      frame = {
        source,
        copy: cloned,
        keys: undefined,
        length: isArray ? (cloned as unknown[]).length : 0,
        index: 0,
        segment,
        parent,
        isArray,
        cloned: true,
        open: true,
      };
      if (!isArray) {
        // An object's strings are visited in one `for…in` over the copy (V8 reads it through its enum cache) until
        // a container is met; only then are its keys listed, and the walk goes on from that key. An object
        // holding no container (most of a connection) is done here.
        this.remember(source, frame);
        stack.push(frame);
        const record = cloned as Record<string, unknown>;
        for (const key in record) {
          const value = record[key];
          if (typeof value === 'string') {
            this.visitedKey = key;
            this.visitor(value, this);
          } else if (value !== null && typeof value === 'object') {
            const keys = Object.keys(record);
            frame.keys = keys;
            frame.length = keys.length;
            // `for…in` lists the own keys first, in the order `Object.keys` does; an inherited key comes after.
            const at = keys.indexOf(key);
            frame.index = at === -1 ? keys.length : at;
            break;
          }
        }
        return cloned;
      }
      // An array's strings likewise, by index, until a container is met; the walk goes on from there.
      this.remember(source, frame);
      stack.push(frame);
      const list = cloned as unknown[];
      const { length } = list;
      let index = 0;
      for (; index < length; index++) {
        const value = list[index];
        if (typeof value === 'string') {
          this.visitedKey = index;
          this.visitor(value, this);
        } else if (value !== null && typeof value === 'object') break;
      }
      frame.index = index;
      return cloned;
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
        length: keys.length,
        index: 0,
        segment,
        parent,
        isArray,
        cloned: false,
        open: true,
      };
    }
    this.remember(source, frame);
    stack.push(frame);
    return frame.copy;
  }
}
