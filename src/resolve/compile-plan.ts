import { markParsed } from '../ref/parsed-ref.js';
import { scanSecretRefs } from '../ref/scan.js';
import type { SecretRef, SecretRefMatch } from '../types.js';
import { refKey } from './fetch-refs.js';
import { type FoundSecretRef, toFound } from './find.js';
import type { StringPlace } from './substitute.js';
import { copyStringSites, linkPath, type PathLink, type PathSegment } from './walk.js';
import { type Container, isInheritedKey, setOwn } from './walk-access.js';

const OBJECT = 0;
const BARE = 1;
const ARRAY = 2;

/** How to copy one container of the snapshot, and where its copy goes in its parent's copy. */
interface ContainerStep {
  source: Container;
  kind: typeof OBJECT | typeof BARE | typeof ARRAY;
  /** Index of the parent's step; -1 for the root. */
  parent: number;
  key: string;
  /** Every own key, for an object copied key by key (past 16 keys a spread may meet V8's dictionary mode). */
  keys: PropertyKey[] | undefined;
  /** Its key in the parent is one `Object.prototype` holds: it is defined, not assigned. */
  inherited: boolean;
}

/** A string of the snapshot that holds references, with its path and slots computed once. */
export interface PlannedString extends StringPlace {
  source: string;
  matches: readonly SecretRefMatch[];
  /** The index in {@link Plan.refs} of each well-formed match, in order. */
  slots: number[];
  /** Index of the step of the container holding it; -1 for a root string. */
  container: number;
  /** Its key is one `Object.prototype` holds (`__proto__`…): it is defined, not assigned. */
  inherited: boolean;
  /** The string is exactly one well-formed reference. */
  whole: boolean;
}

/** What a compiled connection does on each resolve. @internal */
export interface Plan {
  /** The private copy of the connection as compiled. */
  snapshot: unknown;
  /** Each distinct reference once, in the order first met. */
  refs: SecretRef[];
  strings: PlannedString[];
  steps: ContainerStep[];
  /** The snapshot shares a container between two places: resolve it through the general path. */
  shared: boolean;
  found: readonly FoundSecretRef[];
}

const KEYED_COPY_MIN_KEYS = 17;

/**
 * Walks `connection` once (the walker's checks: cycles, depth, throwing getters), keeping a private copy of its
 * plain data, every string holding references with its path, the distinct references, and the steps that copy
 * the snapshot's containers.
 * @internal
 */
export function planConnection(connection: unknown, maxDepth: number): Plan {
  const held: {
    source: string;
    matches: readonly SecretRefMatch[];
    link: PathLink | undefined;
    key: string;
  }[] = [];
  const snapshot = copyStringSites(
    connection,
    (source, at) => {
      if (!source.includes('{{')) return;
      const matches = scanSecretRefs(source);
      if (matches.length === 0) return;
      markParsed(matches);
      held.push({ source, matches, link: at.link(), key: at.key() });
    },
    maxDepth,
  ).value;
  const { steps, indexOf, shared } = stepsOf(snapshot);
  const refs: SecretRef[] = [];
  const byKey = new Map<string, number>();
  const found: FoundSecretRef[] = [];
  const strings = held.map(({ source, matches, link, key }): PlannedString => {
    const path = Object.freeze(linkPath(link, key));
    const slots: number[] = [];
    for (const match of matches) {
      found.push(Object.freeze(toFound(match, source, path as PathSegment[])));
      if (!match.ref) continue;
      const id = refKey(match.ref);
      let slot = byKey.get(id);
      if (slot === undefined) {
        slot = refs.push(match.ref) - 1;
        byKey.set(id, slot);
      }
      slots.push(slot);
    }
    const container = link === undefined ? -1 : indexOf.get(link.copy as object)!;
    const whole =
      matches.length === 1 &&
      matches[0]!.ref !== undefined &&
      matches[0]!.start === 0 &&
      matches[0]!.end === source.length;
    const inherited = isInheritedKey(key);
    return { source, matches, slots, container, inherited, whole, link: undefined, key, path };
  });
  return { snapshot, refs, strings, steps, shared, found: Object.freeze(found) };
}

function kindOf(value: unknown): ContainerStep['kind'] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) return ARRAY;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype ? OBJECT : proto === null ? BARE : undefined;
}

/** The containers of the snapshot (plain data the walker made: no getters, proxies or cycles), parents first. */
function stepsOf(snapshot: unknown): {
  steps: ContainerStep[];
  indexOf: Map<object, number>;
  shared: boolean;
} {
  const steps: ContainerStep[] = [];
  const indexOf = new Map<object, number>();
  let shared = false;
  const rootKind = kindOf(snapshot);
  if (rootKind === undefined) return { steps, indexOf, shared };
  const pending: ContainerStep[] = [
    { source: snapshot as Container, kind: rootKind, parent: -1, key: '', keys: undefined, inherited: false },
  ];
  const met = new Set<object>([snapshot as object]);
  while (pending.length > 0) {
    const step = pending.pop()!;
    const index = steps.push(step) - 1;
    indexOf.set(step.source, index);
    const names = Object.keys(step.source);
    if (step.kind !== ARRAY && names.length >= KEYED_COPY_MIN_KEYS) step.keys = Reflect.ownKeys(step.source);
    const record = step.source as Record<string, unknown>;
    for (let i = names.length - 1; i >= 0; i--) {
      const child = record[names[i]!];
      const kind = kindOf(child);
      if (kind === undefined) continue;
      if (met.has(child as object)) {
        shared = true;
        continue;
      }
      met.add(child as object);
      const key = names[i]!;
      const inherited = step.kind !== ARRAY && isInheritedKey(key);
      pending.push({ source: child as Container, kind, parent: index, key, keys: undefined, inherited });
    }
  }
  return { steps, indexOf, shared };
}

/** A new copy of every container of the snapshot, each in its parent's copy; index 0 is the root's. @internal */
export function copySteps(steps: readonly ContainerStep[]): Container[] {
  const copies: Container[] = new Array(steps.length);
  for (let i = 0; i < steps.length; i++) {
    const { source, kind, parent, key, keys, inherited } = steps[i]!;
    let copy: Container;
    if (kind === ARRAY) copy = (source as unknown[]).slice();
    else if (keys !== undefined) {
      copy = kind === BARE ? Object.create(null) : {};
      const record = source as Record<PropertyKey, unknown>;
      for (const name of keys) setOwn(copy, name, record[name]);
    } else copy = kind === OBJECT ? { ...source } : Object.assign(Object.create(null), source);
    copies[i] = copy;
    if (parent < 0) continue;
    if (inherited) setOwn(copies[parent]!, key, copy);
    else (copies[parent] as Record<string, unknown>)[key] = copy;
  }
  return copies;
}
