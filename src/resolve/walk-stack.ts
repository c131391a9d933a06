/**
 * What both walks of walker.ts share: the string site, the containers met so far, and the walk on an explicit stack
 * that takes whatever the recursive walk leaves (deep subtrees, proxies, long arrays, values read key by key).
 * @internal
 */

import { types } from 'node:util';
import {
  ABSENT,
  type Container,
  type Entry,
  invalidInput,
  type Kind,
  kindOf,
  LONG_ARRAY,
  type PathSegment,
  pathTo,
  readOwn,
  type SiteVisitor,
  type StringSite,
  setOwn,
  shallowCopy,
  shapeOf,
  shortPath,
} from './walk-access.js';

/** A container on the explicit stack, and how far its keys have been walked. */
interface Frame {
  source: Container;
  entry: Entry;
  depth: number;
  /** The keys to walk; `undefined` for a copied array (walked by index up to `length`). */
  keys: PropertyKey[] | undefined;
  length: number;
  index: number;
  /** The copy was made whole by {@link shallowCopy}: values are read from it and are already in place. */
  cloned: boolean;
}

/** Up to this many containers are told apart by a scan; more get a map. */
const SCANNED = 16;

/** One walk; while the visitor runs, it is the {@link StringSite} of the string being visited. */
export class StackWalk implements StringSite {
  /** The container holding the string being visited. */
  protected at!: Entry;
  /** The key of the string being visited; an array index as a number (made a string only when asked for). */
  protected visitedKey: string | number = '';
  /** The root container's entry. */
  private root: Entry | undefined;
  /**
   * The entries of the containers entered below the root: a scan of a few (a connection holds a handful of
   * containers, and a map per walk cost more than the scan), a map past {@link SCANNED}.
   */
  private entries: Entry[] | undefined;
  private entered: Map<object, Entry> | undefined;

  constructor(
    protected readonly visitor: SiteVisitor,
    protected readonly copying: boolean,
    private readonly maxDepth: number,
  ) {}

  path(): PathSegment[] {
    const { at, visitedKey } = this;
    return pathTo(at, at.isArray ? Number(visitedKey) : visitedKey);
  }

  link(): Entry {
    return this.at;
  }

  key(): string {
    return String(this.visitedKey);
  }

  replacer(): ((next: string) => void) | undefined {
    const target = this.at.copy;
    if (target === undefined) return undefined;
    const key = String(this.visitedKey);
    return (next) => setOwn(target, key, next);
  }

  /** Calls the visitor for the string at `key` of the container `at`, with this walk as its site. */
  protected visit(text: string, at: Entry, key: string | number): void {
    this.at = at;
    this.visitedKey = key;
    this.visitor(text, this);
  }

  /**
   * What an object met at `segment` of `at` is: its kind when it is a container not entered yet, its entry when it
   * was entered before (shared; a cycle when still open, refused), `undefined` for a leaf.
   */
  protected meet(value: object, at: Entry, segment: PathSegment): Kind | Entry | undefined {
    const kind = kindOf(value, at, segment);
    if (kind === undefined) return undefined;
    const met = this.met(value);
    if (met === undefined) return kind;
    if (met.open) {
      throw invalidInput(
        `it refers back to one of its own parents at ${shortPath(pathTo(at, segment))} (a cycle)`,
      );
    }
    return met;
  }

  /** The entry of a container about to be walked at `segment` of `parent`, `depth` levels down (the root is 1). */
  protected open(
    source: Container,
    kind: Kind,
    parent: Entry | undefined,
    segment: PathSegment | undefined,
    depth: number,
  ): Entry {
    if (depth > this.maxDepth) {
      throw invalidInput(
        `it nests deeper than ${this.maxDepth} levels at ${shortPath(pathTo(parent, segment))}; raise \`maxDepth\``,
      );
    }
    const entry: Entry = { segment, parent, isArray: kind === 'array', copy: undefined, source, open: true };
    this.remember(entry);
    return entry;
  }

  /** Walks the container of `entry` and everything below it with frames on a stack, not the call stack. */
  protected walkStack(source: Container, kind: Kind, entry: Entry, depth: number): void {
    const stack = [this.frame(source, kind, entry, depth)];
    next: while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const { keys, cloned, length } = frame;
      const at = frame.entry;
      const copy = at.copy;
      let index = frame.index;
      while (index < length) {
        // A copied array is read by index: its keys are never made strings unless a site asks for one.
        const key: PropertyKey = keys === undefined ? index : keys[index]!;
        const child = cloned ? (copy as Record<PropertyKey, unknown>)[key] : readOwn(frame.source, key, at);
        index++;
        if (child === ABSENT) continue;
        // A symbol-keyed value is copied as it is, like a leaf.
        const segment = typeof key === 'symbol' ? undefined : at.isArray ? Number(key) : key;
        const met =
          segment !== undefined && child !== null && typeof child === 'object'
            ? this.meet(child, at, segment)
            : undefined;
        if (typeof met === 'string') {
          frame.index = index;
          const depth = frame.depth + 1;
          const entry = this.open(child as Container, met, at, segment, depth);
          stack.push(this.frame(child as Container, met, entry, depth));
          if (copy) setOwn(copy, key, entry.copy);
          continue next;
        }
        if (met !== undefined) {
          if (copy) setOwn(copy, key, met.copy);
          continue;
        }
        // A leaf or a string: in place already in a whole copy; a string is put there before the visitor may swap it.
        if (copy && !cloned) setOwn(copy, key, child);
        if (segment !== undefined && typeof child === 'string') this.visit(child, at, segment);
      }
      stack.pop();
      at.open = false;
    }
  }

  /** A frame for `source`, with its copy made: whole when it can be, else empty, to be filled key by key. */
  private frame(source: Container, kind: Kind, entry: Entry, depth: number): Frame {
    const isArray = kind === 'array';
    const whole =
      this.copying && !types.isProxy(source) && !(isArray && (source as unknown[]).length > LONG_ARRAY)
        ? shallowCopy(source, kind)
        : undefined;
    if (whole !== undefined) {
      entry.copy = whole;
      // A spread copy holds its symbols already; only its string keys are walked.
      const keys = isArray ? undefined : Object.keys(whole);
      const length = keys === undefined ? (whole as unknown[]).length : keys.length;
      return { source, entry, depth, keys, length, index: 0, cloned: true };
    }
    const { keys, length } = shapeOf(source, entry);
    if (this.copying) entry.copy = isArray ? new Array(length) : kind === 'bare' ? Object.create(null) : {};
    return { source, entry, depth, keys, length: keys.length, index: 0, cloned: false };
  }

  /** The entry of `source` if it was entered before. */
  private met(source: object): Entry | undefined {
    if (source === this.root!.source) return this.root;
    const { entered, entries } = this;
    if (entered !== undefined) return entered.get(source);
    if (entries === undefined) return undefined;
    for (let at = 0; at < entries.length; at++) if (entries[at]!.source === source) return entries[at];
    return undefined;
  }

  /** Remembers the entry of a container entered, for {@link met}; a flat value allocates no list. */
  private remember(entry: Entry): void {
    if (this.root === undefined) this.root = entry;
    else if (this.entered !== undefined) this.entered.set(entry.source, entry);
    else {
      this.entries ??= [];
      const { entries } = this;
      entries.push(entry);
      if (entries.length > SCANNED) this.entered = new Map(entries.map((known) => [known.source, known]));
    }
  }
}
