import QuickLRU from 'quick-lru';
import type { SecretManagers } from '../resolve/managers.js';
import type { SecretRef } from '../types.js';

/** One re-read of a secret: when it began, and a promise that settles (never rejects) when it ends. @internal */
export interface ReRead {
  at: number;
  done: Promise<void>;
}

/**
 * Where the last re-read of one secret is remembered: the map of the manager that serves it, and its key there.
 * @internal
 */
export interface ReReadSlot {
  reReads: QuickLRU<string, ReRead>;
  key: string;
}

/** The most secrets whose last re-read each manager remembers; older ones are forgotten first. @internal */
export const COOLDOWN_MAX_SECRETS = 1_000;

const byOwner = new WeakMap<object, QuickLRU<string, ReRead>>();

function reReadsOf(owner: object): QuickLRU<string, ReRead> {
  let map = byOwner.get(owner);
  if (map === undefined) {
    map = new QuickLRU({ maxSize: COOLDOWN_MAX_SECRETS });
    byOwner.set(owner, map);
  }
  return map;
}

/**
 * What the re-reads of a reference are kept by: the manager that serves it (for a record, its entry, so that a
 * record built anew for each call still shares the cool-down of its managers), else the `managers` value itself
 * (a lookup function). Kept in a WeakMap: dropped with the managers they belong to.
 */
function ownerOf(managers: SecretManagers, defaultManager: string | undefined, ref: SecretRef): object {
  if (
    typeof managers === 'function' ||
    typeof (managers as { getSecrets?: unknown }).getSecrets === 'function'
  ) {
    return managers;
  }
  const record = managers as Readonly<Record<string, unknown>>;
  const ids = Object.keys(record);
  const id = ref.manager ?? defaultManager ?? (ids.length === 1 ? ids[0] : undefined);
  const entry = id !== undefined && Object.hasOwn(record, id) ? record[id] : undefined;
  return typeof entry === 'object' && entry !== null ? entry : managers;
}

/**
 * The slot of each distinct secret (service, id, stage, version, manager) among `refs`: a parameter and a secret
 * of the same name are two slots, so re-reading one never holds back the other.
 * @internal
 */
export function reReadSlots(
  refs: readonly SecretRef[],
  managers: SecretManagers,
  defaultManager: string | undefined,
): ReReadSlot[] {
  const slots = new Map<QuickLRU<string, ReRead>, Set<string>>();
  for (const ref of refs) {
    const reReads = reReadsOf(ownerOf(managers, defaultManager, ref));
    const key = JSON.stringify([
      ref.manager ?? '',
      ref.service ?? '',
      ref.secretId,
      ref.versionStage ?? '',
      ref.versionId ?? '',
    ]);
    const keys = slots.get(reReads) ?? new Set<string>();
    keys.add(key);
    slots.set(reReads, keys);
  }
  return [...slots].flatMap(([reReads, keys]) => [...keys].map((key) => ({ reReads, key })));
}
