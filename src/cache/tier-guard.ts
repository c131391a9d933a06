import type { SharedHit, SharedMiss, SharedRead, SharedTier } from './tier.js';

const MISS: SharedMiss = { hit: false, commit: () => undefined, release: () => undefined };

const checkedScope = (scope: unknown): string | undefined =>
  typeof scope === 'string' && scope !== '' ? scope : undefined;

/**
 * The shared tier as the read path uses it: the one place where a tier failure becomes a fallback. Redis (and a
 * tier's code over it) is not trusted to keep the contract in `tier.ts`: a throw, a rejection or an answer of the
 * wrong shape is a miss (or nothing, for `invalidate`), so a shared tier can slow a read but never fail it.
 */
export function guardTier(tier: SharedTier): SharedTier {
  return {
    scopeOf(provider) {
      let scope: unknown;
      try {
        scope = tier.scopeOf(provider);
      } catch {
        return undefined;
      }
      // A promise (an identity read asynchronously) keeps its rejection: the manager reports it as an `error` event.
      return scope instanceof Promise ? scope.then(checkedScope) : checkedScope(scope);
    },
    async read(scope, locators, signal, options) {
      let reads: unknown;
      try {
        reads = await tier.read(scope, locators, signal, options);
      } catch {
        reads = undefined;
      }
      return locators.map((_, index) => guardRead(Array.isArray(reads) ? reads[index] : undefined, true));
    },
    async mark(scope) {
      try {
        return await tier.mark?.(scope);
      } catch {
        return undefined;
      }
    },
    async invalidate(scope, secretId, replacement) {
      try {
        await tier.invalidate(scope, secretId, replacement);
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

/** One answer of the tier's `read`, of the wrong shape a miss; a wait's answer guarded alike (and never a wait). */
function guardRead(answer: unknown, mayWait: true): SharedRead;
function guardRead(answer: unknown, mayWait: false): SharedHit | SharedMiss;
function guardRead(answer: unknown, mayWait: boolean): SharedRead {
  const read = answer as SharedRead | undefined;
  if (read?.hit === true) return read;
  if (read?.hit !== false) return MISS;
  if ('waiting' in read) {
    if (!mayWait || !(read.waiting instanceof Promise)) return MISS;
    return {
      hit: false,
      waiting: read.waiting.then(
        (settled) => guardRead(settled, false),
        () => MISS,
      ),
    };
  }
  return {
    hit: false,
    ...(read.rejected === true ? { rejected: true as const } : {}),
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
}
