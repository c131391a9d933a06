import { markParsed } from '../ref/parsed-ref.js';
import { scanSecretRefs } from '../ref/scan.js';
import type { SecretRef, SecretRefMatch } from '../types.js';
import { type FoundSecretRef, toFound } from './find.js';
import type { Holder } from './resolve-connection.js';
import { copyStringSites, linkPath, type PathSegment } from './walk.js';
import { type Container, type Kind, kindOf, LONG_ARRAY, setOwn } from './walk-access.js';

/** Where a container of the snapshot is held: by `containers[parent]`, at `key`. @internal */
interface PlannedEdge {
  parent: number;
  key: PropertyKey;
  child: number;
}

/** What a compiled connection keeps: its walk, done once. @internal */
export interface Plan {
  /** The private copy of the connection as compiled. */
  snapshot: unknown;
  /** Every reference found, with its path, in walk order; frozen. */
  found: readonly FoundSecretRef[];
  /** The snapshot's containers (the root first, when it is one), each copied by a resolve, and their kinds. */
  containers: readonly Container[];
  kinds: readonly Kind[];
  /** Where each container but the root sits; a container held in two places has two edges (one copy). */
  edges: readonly PlannedEdge[];
  /** The strings holding references, in walk order, each with the index of its container (-1: a root string). */
  strings: readonly Holder[];
  /** The well-formed references of those strings, in order: what each resolve reads. */
  refs: readonly SecretRef[];
}

/**
 * Walks `connection` once (the walker's checks: cycles, depth, throwing getters), keeping a private copy of its
 * plain data, its containers and the references of each string and where they sit, so that a resolve copies the
 * containers and rewrites those strings without walking again.
 * @internal
 */
export function planConnection(connection: unknown, maxDepth: number): Plan {
  const found: FoundSecretRef[] = [];
  const scans = new Map<string, readonly SecretRefMatch[]>();
  const sites: { holder: object | undefined; key: string; path: PathSegment[]; source: string }[] = [];
  const snapshot = copyStringSites(
    connection,
    (source, at) => {
      let matches = scans.get(source);
      if (matches === undefined) {
        matches = scanSecretRefs(source);
        if (matches.length === 0) return;
        // `refs` lists these references and each resolve reads them: frozen, even beside a malformed one.
        if (!markParsed(matches)) for (const match of matches) if (match.ref) Object.freeze(match.ref);
        scans.set(source, matches);
      }
      const path = linkPath(at.link(), at.key()) as PathSegment[];
      for (const match of matches) found.push(Object.freeze(toFound(match, source, path)));
      sites.push({ holder: at.link()?.copy, key: at.key(), path, source });
    },
    maxDepth,
  ).value;
  const { containers, kinds, edges } = containersOf(snapshot);
  const indexOf = new Map(containers.map((container, index) => [container as object, index]));
  const refs: SecretRef[] = [];
  const strings = sites.map(({ holder, key, path, source }): Holder => {
    const matches = scans.get(source)!;
    const slot = refs.length;
    for (const match of matches) if (match.ref) refs.push(match.ref);
    const container = holder === undefined ? -1 : indexOf.get(holder)!;
    return { container, link: undefined, key, path, source, matches, slot };
  });
  return { snapshot, found: Object.freeze(found), containers, kinds, edges, strings, refs };
}

/** The containers of the snapshot (plain data the walk made: nothing in it can throw or be a proxy). */
function containersOf(snapshot: unknown): Pick<Plan, 'containers' | 'kinds' | 'edges'> {
  const containers: Container[] = [];
  const kinds: Kind[] = [];
  const edges: PlannedEdge[] = [];
  const indexOf = new Map<object, number>();
  const add = (value: Container, kind: Kind): number => {
    indexOf.set(value, containers.length);
    containers.push(value);
    kinds.push(kind);
    return containers.length - 1;
  };
  const rootKind = kindOf(snapshot, undefined, undefined);
  if (rootKind === undefined) return { containers, kinds, edges };
  add(snapshot as Container, rootKind);
  // An explicit stack: a snapshot may nest as deep as `maxDepth` allows (Infinity included).
  for (let next = 0; next < containers.length; next++) {
    const parent = containers[next]!;
    for (const key of Reflect.ownKeys(parent)) {
      // A symbol-keyed value is a leaf, as in the walk: kept by reference, never entered (nor read into).
      if (typeof key === 'symbol' || (Array.isArray(parent) && key === 'length')) continue;
      const child = (parent as Record<PropertyKey, unknown>)[key];
      const kind = kindOf(child, undefined, undefined);
      if (kind === undefined) continue;
      const known = indexOf.get(child as object);
      edges.push({ parent: next, key, child: known ?? add(child as Container, kind) });
    }
  }
  return { containers, kinds, edges };
}

/**
 * A new copy of the snapshot's containers, linked as in the snapshot (a container held twice is copied once);
 * index 0 is the root's copy.
 * @internal
 */
export function copyContainers(plan: Plan): Container[] {
  const { containers, kinds, edges } = plan;
  const copies: Container[] = new Array(containers.length);
  for (let index = 0; index < containers.length; index++) {
    copies[index] = copyOf(containers[index]!, kinds[index]!);
  }
  for (const { parent, key, child } of edges) setOwn(copies[parent]!, key, copies[child]);
  return copies;
}

function copyOf(container: Container, kind: Kind): Container {
  if (kind === 'object') return { ...container };
  if (kind === 'bare') return Object.assign(Object.create(null), container);
  const list = container as unknown[];
  // A long array may be sparse (length 2^32 - 2, a few elements): copied by its present keys.
  if (list.length <= LONG_ARRAY) return list.slice();
  const copy: unknown[] = new Array(list.length);
  for (const key of Object.keys(list)) copy[key as unknown as number] = list[key as unknown as number];
  return copy;
}
