import { raceAbort } from '../abort.js';
import { SecretRefError, type SecretRefErrorCode } from '../errors.js';
import type { SecretManager, SecretRef, SecretResult } from '../types.js';
import type { Route } from './managers.js';

/** The outcome of one reference: its value, or the code and reason it failed (never a value). */
export type RefOutcome =
  | { ok: true; value: string }
  | { ok: false; code: SecretRefErrorCode; reason: string };

interface Group {
  manager: SecretManager;
  refs: SecretRef[];
  byKey: Map<string, number>;
}

/**
 * Routes each reference to its manager, calls `getSecrets` once per manager (all managers concurrently, each
 * distinct reference passed once) and returns one outcome per reference, in order.
 * @internal
 */
export async function fetchRefs(
  refs: readonly SecretRef[],
  route: (ref: SecretRef) => Route,
  signal: AbortSignal | undefined,
): Promise<RefOutcome[]> {
  const groups = new Map<SecretManager, Group>();
  const slots: ({ group: Group; index: number } | { failure: RefOutcome })[] = refs.map((ref) => {
    const target = route(ref);
    if (!target.ok) return { failure: { ok: false, code: 'unknown_manager', reason: target.message } };
    let group = groups.get(target.manager);
    if (group === undefined) {
      group = { manager: target.manager, refs: [], byKey: new Map() };
      groups.set(target.manager, group);
    }
    const key = refKey(ref);
    let index = group.byKey.get(key);
    if (index === undefined) {
      index = group.refs.push(ref) - 1;
      group.byKey.set(key, index);
    }
    return { group, index };
  });

  const entries = [...groups.values()];
  const settled = await raceAbort(Promise.all(entries.map((group) => callManager(group, signal))), signal);
  const results = new Map(entries.map((group, i) => [group, settled[i]!]));
  return slots.map((slot) => {
    if ('failure' in slot) return slot.failure;
    return toOutcome(results.get(slot.group)!, slot.index);
  });
}

type Called = { ok: true; results: readonly SecretResult[] } | { ok: false; error: unknown };

async function callManager(group: Group, signal: AbortSignal | undefined): Promise<Called> {
  try {
    const results = await group.manager.getSecrets(group.refs, signal ? { signal } : {});
    return { ok: true, results: Array.isArray(results) ? results : [] };
  } catch (error) {
    if (signal?.aborted || (error instanceof SecretRefError && error.code === 'aborted')) throw error;
    return { ok: false, error };
  }
}

function toOutcome(called: Called, index: number): RefOutcome {
  if (!called.ok) {
    const { error } = called;
    return error instanceof SecretRefError
      ? { ok: false, code: error.code, reason: error.message }
      : { ok: false, code: 'provider_error', reason: 'the secret manager failed unexpectedly' };
  }
  const result = called.results[index];
  if (result === undefined || result === null || typeof result !== 'object') {
    return { ok: false, code: 'provider_error', reason: 'the secret manager returned no result for it' };
  }
  if (result.ok) {
    return typeof result.value === 'string'
      ? { ok: true, value: result.value }
      : {
          ok: false,
          code: 'provider_error',
          reason: 'the secret manager returned a value that is not a string',
        };
  }
  const error = result.error;
  return error instanceof SecretRefError
    ? { ok: false, code: error.code, reason: error.message }
    : { ok: false, code: 'provider_error', reason: 'the secret manager failed unexpectedly' };
}

function refKey(ref: SecretRef): string {
  return JSON.stringify([ref.manager, ref.secretId, ref.jsonKey, ref.versionStage, ref.versionId]);
}
