import QuickLRU from 'quick-lru';

/** One re-read of a secret: when it began, and a promise that settles (never rejects) when it ends. */
export interface ReRead {
  at: number;
  done: Promise<void>;
}

/** The most secrets whose last re-read each `managers` value remembers; older ones are forgotten first. */
export const COOLDOWN_MAX_SECRETS = 1_000;

const byManagers = new WeakMap<object, QuickLRU<string, ReRead>>();

/**
 * The re-reads remembered for one `managers` value (a manager, a record or a lookup function): bounded, and
 * dropped with the managers they belong to.
 * @internal
 */
export function reReadsOf(managers: object): QuickLRU<string, ReRead> {
  let map = byManagers.get(managers);
  if (map === undefined) {
    map = new QuickLRU({ maxSize: COOLDOWN_MAX_SECRETS });
    byManagers.set(managers, map);
  }
  return map;
}
