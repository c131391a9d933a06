import type { SharedRead, SharedTier } from './tier.js';

const MISS: SharedRead = { hit: false, commit: () => undefined, release: () => undefined };

/**
 * The shared tier as the read path uses it: the one place where a tier failure becomes a fallback. Redis (and a
 * tier's code over it) is not trusted to keep the contract in `tier.ts`: a throw, a rejection or an answer of the
 * wrong shape is a miss (or nothing, for `invalidate`), so a shared tier can slow a read but never fail it.
 */
export function guardTier(tier: SharedTier): SharedTier {
  return {
    scopeOf(provider) {
      try {
        const scope = tier.scopeOf(provider);
        return typeof scope === 'string' && scope !== '' ? scope : undefined;
      } catch {
        return undefined;
      }
    },
    async read(scope, locators, signal) {
      let reads: unknown;
      try {
        reads = await tier.read(scope, locators, signal);
      } catch {
        reads = undefined;
      }
      return locators.map((_, index) => {
        const read = Array.isArray(reads) ? (reads[index] as SharedRead | undefined) : undefined;
        if (read?.hit === true) return read;
        if (read?.hit !== false) return MISS;
        return {
          hit: false,
          commit: (payload) => {
            try {
              read.commit(payload);
            } catch {}
          },
          release: () => {
            try {
              read.release();
            } catch {}
          },
        };
      });
    },
    invalidate(scope, secretId) {
      try {
        tier.invalidate(scope, secretId);
      } catch {}
    },
    onInvalidate(listener) {
      try {
        return tier.onInvalidate((message) => {
          try {
            listener(message);
          } catch {}
        });
      } catch {
        return () => undefined;
      }
    },
  };
}
