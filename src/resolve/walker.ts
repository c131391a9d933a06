/**
 * The walker behind walk.ts: recursion over plain containers a few levels deep (a connection's shape), the walk on an
 * explicit stack of walk-stack.ts for the rest, so deep input cannot overflow the call stack.
 * @internal
 */

import { types } from 'node:util';
import {
  type Container,
  type Entry,
  type Kind,
  kindOf,
  LONG_ARRAY,
  type PathSegment,
  readFailed,
  type SiteVisitor,
  shallowCopy,
} from './walk-access.js';
import { StackWalk } from './walk-stack.js';

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
  const kind = kindOf(root, undefined, undefined);
  if (kind === undefined) return root;
  const copy = new Walker(visitor, copying, maxDepth).enter(root as Container, kind, undefined, undefined, 1);
  return copying ? copy : root;
}

/**
 * Containers deeper than this are walked on the explicit stack: a connection nests a few levels, and 32 small frames
 * stay far from the call stack's limit even when the caller is deep in its own.
 */
const RECURSION_DEPTH = 32;

class Walker extends StackWalk {
  /**
   * An enumerable key on `Object.prototype` would show up in `for…in` after the own keys; objects are then walked
   * by their own keys on the explicit stack.
   */
  private readonly inheritedKeys = hasEnumerableKey(Object.prototype);

  /** Walks `source` (a container not met before) and returns its copy in a copying walk. */
  enter(
    source: Container,
    kind: Kind,
    parent: Entry | undefined,
    segment: PathSegment | undefined,
    depth: number,
  ): Container | undefined {
    const entry = this.open(source, kind, parent, segment, depth);
    // A proxy is read key by key, through its getOwnPropertyDescriptor trap (never its get trap), on the stack.
    const walked =
      depth <= RECURSION_DEPTH &&
      !types.isProxy(source) &&
      (kind === 'array'
        ? this.array(source as unknown[], entry, depth)
        : this.object(source, kind, entry, depth));
    if (!walked) this.walkStack(source, kind, entry, depth);
    entry.open = false;
    return entry.copy;
  }

  /**
   * Walks an object with `for…in` (V8 reads its keys from the enum cache of its shape): in a copying walk over its
   * spread copy, read-only over the object itself. False, having walked nothing, when it is left to the stack.
   */
  private object(source: Container, kind: Kind, entry: Entry, depth: number): boolean {
    if (this.inheritedKeys) return false;
    if (!this.copying) {
      const record = source as Record<string, unknown>;
      for (const key in record) {
        let value: unknown;
        // A getter of the input runs here, once: what it throws is refused with its path.
        try {
          value = record[key];
        } catch (error) {
          throw readFailed(entry, key, error);
        }
        if (typeof value === 'string') this.visit(value, entry, key);
        else if (typeof value === 'object' && value !== null) this.child(value, entry, key, depth);
      }
      return true;
    }
    const copy = shallowCopy(source, kind) as Record<string, unknown> | undefined;
    if (copy === undefined) return false;
    entry.copy = copy;
    for (const key in copy) {
      const value = copy[key];
      // The visit is written out here, not called: once V8's inlining budget is spent on the walk's own recursion,
      // a call per string made the copy of a 50-string connection ~15% slower (the warm bench's "50 refs" shape).
      if (typeof value === 'string') {
        this.at = entry;
        this.visitedKey = key;
        this.visitor(value, this);
      } else if (typeof value === 'object' && value !== null) {
        // The copy holds every key as an own data property already, so assigning never reaches a setter.
        const child = this.child(value, entry, key, depth);
        if (child !== undefined) copy[key] = child;
      }
    }
    return true;
  }

  /** Walks an array by index, like {@link object}; a long one (maybe sparse) is left to the stack. */
  private array(source: unknown[], entry: Entry, depth: number): boolean {
    if (source.length > LONG_ARRAY) return false;
    if (!this.copying) {
      // Read up to the length it had when met, as a copy would: a getter that grows the array cannot keep it going.
      const { length } = source;
      for (let index = 0; index < length; index++) {
        let value: unknown;
        try {
          value = source[index];
        } catch (error) {
          throw readFailed(entry, index, error);
        }
        if (typeof value === 'string') this.visit(value, entry, index);
        else if (typeof value === 'object' && value !== null) this.child(value, entry, index, depth);
      }
      return true;
    }
    const copy = shallowCopy(source, 'array') as unknown[] | undefined;
    if (copy === undefined) return false;
    entry.copy = copy;
    for (let index = 0; index < copy.length; index++) {
      const value = copy[index];
      if (typeof value === 'string') {
        this.at = entry;
        this.visitedKey = index;
        this.visitor(value, this);
      } else if (typeof value === 'object' && value !== null) {
        const child = this.child(value, entry, index, depth);
        if (child !== undefined) copy[index] = child;
      }
    }
    return true;
  }

  /** Walks the object found at `key` of `at` if it is a container; returns its copy, to put in its place. */
  private child(value: object, at: Entry, key: string | number, depth: number): Container | undefined {
    const met = this.meet(value, at, key);
    if (typeof met === 'string') return this.enter(value as Container, met, at, key, depth + 1);
    return met?.copy;
  }
}

function hasEnumerableKey(object: object): boolean {
  for (const _ in object) return true;
  return false;
}
