import { markParsed } from '../ref/parsed-ref.js';
import { scanSecretRefs } from '../ref/scan.js';
import type { SecretRefMatch } from '../types.js';
import { type FoundSecretRef, toFound } from './find.js';
import { copyStringSites, linkPath, type PathSegment } from './walk.js';

/** What a compiled connection keeps: its walk, done once. @internal */
export interface Plan {
  /** The private copy of the connection as compiled. */
  snapshot: unknown;
  /** Every reference found, with its path, in walk order; frozen. */
  found: readonly FoundSecretRef[];
  /** The references of each string of the snapshot that holds any, parsed once. */
  scans: ReadonlyMap<string, readonly SecretRefMatch[]>;
}

/**
 * Walks `connection` once (the walker's checks: cycles, depth, throwing getters), keeping a private copy of its
 * plain data, the references of each string and where they sit.
 * @internal
 */
export function planConnection(connection: unknown, maxDepth: number): Plan {
  const found: FoundSecretRef[] = [];
  const scans = new Map<string, readonly SecretRefMatch[]>();
  const snapshot = copyStringSites(
    connection,
    (source, at) => {
      const matches = scans.get(source) ?? scanSecretRefs(source);
      if (matches.length === 0) return;
      if (!scans.has(source)) {
        markParsed(matches);
        scans.set(source, matches);
      }
      const path = linkPath(at.link(), at.key()) as PathSegment[];
      for (const match of matches) found.push(Object.freeze(toFound(match, source, path)));
    },
    maxDepth,
  ).value;
  return { snapshot, found: Object.freeze(found), scans };
}
