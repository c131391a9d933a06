import { raceAbort, throwIfAborted } from '../abort.js';
import { SecretRefError, type SecretRefErrorCode } from '../errors.js';
import { freshReaderOf } from '../manager/fresh-read.js';
import { isParsedRef } from '../ref/parsed-ref.js';
import type { CallOptions, SecretManager, SecretRef, SecretResult } from '../types.js';
import type { RouteOf } from './managers.js';

/** The outcome of one reference: its value, or the code and reason it failed (never a value). */
export type RefOutcome =
  | { ok: true; value: string; json?: unknown }
  | { ok: false; code: SecretRefErrorCode; reason: string };

interface Group {
  manager: SecretManager;
  refs: SecretRef[];
  byKey: Map<string, number>;
  called?: Called;
}

/**
 * Routes each reference to its manager, calls `getSecrets` once per manager (all managers concurrently, each
 * distinct reference passed once) and returns one outcome per reference, in order. A manager made by
 * `createSecretManager` whose references are all fresh in its cache answers at once: when every manager does,
 * the outcomes are returned without a promise.
 * @internal
 */
export function fetchRefs(
  refs: readonly SecretRef[],
  route: RouteOf,
  signal: AbortSignal | undefined,
  refresh = false,
): RefOutcome[] | Promise<RefOutcome[]> {
  if (refs.length === 0) {
    throwIfAborted(signal);
    return [];
  }
  const groups = new Map<SecretManager, Group>();
  const slots: Slot[] = refs.map((ref) => {
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

  const waiting: Group[] = [];
  for (const group of groups.values()) {
    const results = refresh ? undefined : readFresh(group, signal);
    if (results) group.called = { ok: true, results };
    else waiting.push(group);
  }
  return waiting.length === 0 ? outcomesOf(slots) : callWaiting(waiting, slots, signal, refresh);
}

type Slot = { group: Group; index: number } | { failure: RefOutcome };

/** Up to this many references are told apart by a linear search of their keys rather than a Map. */
const SMALL = 8;

/**
 * The warm path of one manager made by `createSecretManager` serving every reference: its fresh reader is asked
 * for each distinct reference once (as `fetchRefs` would ask it) and its results are the outcomes, when every
 * reference is fresh; `undefined` otherwise (nothing counted), and the caller takes the general path.
 * `distinct` says the references are already distinct (a compiled plan).
 * @internal
 */
export function readDirect(
  refs: readonly SecretRef[],
  manager: SecretManager,
  signal: AbortSignal | undefined,
  distinct: boolean,
): RefOutcome[] | undefined {
  if (refs.length === 0) return undefined;
  const read = freshReaderOf(manager);
  if (read === undefined) return undefined;
  let asked: readonly SecretRef[] = refs;
  let slotOf: number[] | undefined;
  if (!distinct && refs.length > 1) {
    slotOf = refs.length > SMALL ? slotsByKey(refs) : slotsByFields(refs);
    if (slotOf !== undefined) {
      // Slots are numbered in order of first sight: a reference seen first takes the next one.
      const unique: SecretRef[] = [];
      for (let index = 0; index < refs.length; index++) {
        if (slotOf[index] === unique.length) unique.push(refs[index]!);
      }
      asked = unique;
    }
  }
  let results: SecretResult[] | undefined;
  try {
    results = read(asked, signal);
  } catch {
    return undefined;
  }
  if (results === undefined) return undefined;
  const direct = usableResults(results, asked.length) ?? outcomesOfResults(results, asked.length);
  return slotOf === undefined ? direct : slotOf.map((slot) => direct[slot]!);
}

/** The two references ask for the same thing (what equal {@link refKey}s say, without building the keys). */
function sameRef(a: SecretRef, b: SecretRef): boolean {
  return (
    a === b ||
    (a.secretId === b.secretId &&
      a.jsonKey === b.jsonKey &&
      a.manager === b.manager &&
      a.versionStage === b.versionStage &&
      a.versionId === b.versionId)
  );
}

/**
 * For each reference, the index in the list of distinct ones; `undefined` when all are distinct (the common case,
 * which allocates nothing). A few references are compared field by field.
 */
function slotsByFields(refs: readonly SecretRef[]): number[] | undefined {
  let slotOf: number[] | undefined;
  let distinct = 0;
  for (let index = 0; index < refs.length; index++) {
    const ref = refs[index]!;
    let earlier = 0;
    while (earlier < index && !sameRef(refs[earlier]!, ref)) earlier++;
    if (earlier < index) {
      slotOf ??= Array.from({ length: index }, (_, n) => n);
      slotOf.push(slotOf[earlier]!);
    } else {
      slotOf?.push(distinct);
      distinct++;
    }
  }
  return slotOf;
}

/** {@link slotsByFields} for many references, by key. */
function slotsByKey(refs: readonly SecretRef[]): number[] | undefined {
  const byKey = new Map<string, number>();
  const slotOf = refs.map((ref) => {
    const key = refKey(ref);
    let slot = byKey.get(key);
    if (slot === undefined) {
      slot = byKey.size;
      byKey.set(key, slot);
    }
    return slot;
  });
  return byKey.size < refs.length ? slotOf : undefined;
}

/** The results themselves when each is an ok result with a string value (an ok outcome has their shape). */
function usableResults(results: readonly SecretResult[], count: number): RefOutcome[] | undefined {
  if (!Array.isArray(results) || results.length !== count) return undefined;
  for (let i = 0; i < count; i++) {
    const result = results[i];
    if (result?.ok !== true || typeof result.value !== 'string') return undefined;
  }
  return results as RefOutcome[];
}

function outcomesOfResults(results: readonly SecretResult[], count: number): RefOutcome[] {
  const called: Called = { ok: true, results };
  return Array.from({ length: count }, (_, index): RefOutcome => {
    const result = results[index];
    return result?.ok === true && typeof result.value === 'string'
      ? (result as RefOutcome)
      : safeOutcome(called, index);
  });
}

function readFresh(group: Group, signal: AbortSignal | undefined): SecretResult[] | undefined {
  try {
    return freshReaderOf(group.manager)?.(group.refs, signal);
  } catch {
    return undefined;
  }
}

async function callWaiting(
  waiting: readonly Group[],
  slots: readonly Slot[],
  signal: AbortSignal | undefined,
  refresh: boolean,
): Promise<RefOutcome[]> {
  const options = { ...(signal ? { signal } : {}), ...(refresh ? { refresh } : {}) };
  const called = await raceAbort(Promise.all(waiting.map((group) => callManager(group, options))), signal);
  waiting.forEach((group, i) => {
    group.called = called[i];
  });
  return outcomesOf(slots);
}

function outcomesOf(slots: readonly Slot[]): RefOutcome[] {
  return slots.map((slot) =>
    'failure' in slot ? slot.failure : safeOutcome(slot.group.called!, slot.index),
  );
}

/** {@link toOutcome}, where a result whose properties throw when read (a getter, a proxy) is a `provider_error`. */
function safeOutcome(called: Called, index: number): RefOutcome {
  try {
    return toOutcome(called, index);
  } catch {
    return {
      ok: false,
      code: 'provider_error',
      reason: 'the secret manager returned a result that cannot be read',
    };
  }
}

type Called = { ok: true; results: readonly SecretResult[] } | { ok: false; error: unknown };

async function callManager(group: Group, options: CallOptions): Promise<Called> {
  const { signal } = options;
  try {
    const results = await group.manager.getSecrets(group.refs, options);
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
    const { json } = result as { json?: unknown };
    return typeof result.value === 'string'
      ? json === undefined
        ? { ok: true, value: result.value }
        : { ok: true, value: result.value, json }
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

const keyOfParsed = new WeakMap<SecretRef, string>();

/**
 * One key per distinct reference: each part is written with its length, so no two references share a key. A
 * parsed (frozen) reference keeps its key, so the warm path builds and hashes no new string.
 * @internal
 */
export function refKey(ref: SecretRef): string {
  const parsed = isParsedRef(ref);
  let key = parsed ? keyOfParsed.get(ref) : undefined;
  if (key === undefined) {
    key =
      part(ref.manager) +
      part(ref.secretId) +
      part(ref.jsonKey) +
      part(ref.versionStage) +
      part(ref.versionId);
    if (parsed) keyOfParsed.set(ref, key);
  }
  return key;
}

function part(text: string | undefined): string {
  return text === undefined ? '-' : `${text.length}:${text}`;
}
