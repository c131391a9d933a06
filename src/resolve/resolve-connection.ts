import { readFlag, readSignal, throwIfAborted } from '../abort.js';
import { SecretResolutionError, type SecretResolutionIssue } from '../errors.js';
import type { SecretResult } from '../manager/types.js';
import type { SecretRef, SecretRefMatch } from '../types.js';
import { type EncodeOption, readEncode } from './encode.js';
import { fetchAll } from './fetch-refs.js';
import { createRouter, type Router, type SecretManagers } from './managers.js';
import { createMasker, type Masker } from './mask.js';
import { scanSecretRefsMemo } from './scan-memo.js';
import {
  type ResolvedSecretRef,
  type StringPlace,
  Substitution,
  substitute,
  UNCHANGED,
} from './substitute.js';
import { copyStringSites, DEFAULT_MAX_DEPTH, type PathLink, readMaxDepth, type WalkOptions } from './walk.js';
import { type Container, setOwn } from './walk-access.js';

export type { ResolvedSecretRef } from './substitute.js';

/**
 * Options of {@link resolveConnection} and {@link resolveConnectionSettled}.
 * @example
 *   const options: ResolveConnectionOptions = { defaultManager: 'prod', signal: AbortSignal.timeout(5_000) };
 *   await resolveConnection(connection, { prod: prodManager, staging: stagingManager }, options);
 */
export interface ResolveConnectionOptions extends WalkOptions {
  /** Cancels the resolve; it then rejects with a `SecretRefAbortError` (name `AbortError`, code `aborted`). */
  signal?: AbortSignal;
  /**
   * With a record of managers: the id of the manager that serves references naming none (the CloudFormation
   * form). Without it, such references go to the record's only entry, or fail with `unknown_manager`. With a
   * function, the id it is asked for such references.
   * @default undefined
   */
  defaultManager?: string;
  /**
   * How a substituted value is written: `'uri'` percent-encodes each value substituted inside a longer string (a
   * whole-field value is left as is), so `postgres://app:{{…}}@db/app` stays a valid URL whatever the password
   * holds; a function `(value, site) => string` is called for every substituted value. A throwing encoder, or one
   * returning a non-string, is an `invalid_config` issue on that reference.
   * @default undefined (values substituted as they are)
   */
  encode?: EncodeOption;
  /**
   * A whole-field reference whose JSON key holds a number, boolean, object or array gives that JSON value (a fresh
   * copy) instead of its JSON text. Needs a manager that reports JSON types (managers of this library do).
   * @default false
   */
  keepJsonTypes?: boolean;
  /**
   * Reads every secret past every cache (in-process and shared) and stores what comes back — after a login failed,
   * say (`withConnection` does this). Each such resolve makes backend calls.
   * @default false
   */
  refresh?: boolean;
}

/**
 * What {@link resolveConnectionSettled} returns: the copy, and every reference that failed or succeeded.
 * @example
 *   const settled: SettledResolution<Connection> = await resolveConnectionSettled(connection, manager);
 *   if (settled.issues.length > 0) logger.warn(settled.masker.mask(formatIssues(settled.issues)));
 */
export interface SettledResolution<T> {
  /** The resolved copy; a reference that failed is left in place, as written. */
  value: T;
  /** Every reference that failed, in walk order; empty when all resolved. */
  issues: SecretResolutionIssue[];
  /** Every reference that was replaced. */
  resolved: ResolvedSecretRef[];
  /** Hides the resolved values (as they are, and as encoded) in text or objects, for logs and command output. */
  masker: Masker;
}

/**
 * Returns a copy of `connection` with every secret reference replaced by its value: a string that is exactly a
 * reference becomes the secret value, a reference inside a longer string is substituted in place. Each manager
 * is asked once (all concurrently) and fetches each distinct secret once. Any failing reference — bad syntax,
 * unknown manager, missing secret or key — makes it throw one `SecretResolutionError` listing all of them.
 * @example
 *   const auth = await resolveConnection(
 *     { props: { apiKey: '{{conn1|ap_sep_v1|prod/api:key}}' } },
 *     { conn1: manager },
 *   );
 */
export function resolveConnection<T>(
  connection: T,
  managers: SecretManagers,
  options?: ResolveConnectionOptions,
): Promise<T> {
  return resolveWith(connection, managers, options, false, valueOrThrow);
}

/**
 * The lenient form of {@link resolveConnection}: it never throws for a failing reference, but returns the copy
 * (failing references left as written) together with every issue, so a caller cannot get the value without the
 * failures in hand. It still throws for bad options, refused input (`invalid_input`) and abort.
 * @example
 *   const { value, issues, masker } = await resolveConnectionSettled(connection, manager);
 *   for (const issue of issues) logger.warn(issue.message);
 *   logger.info(masker.mask(JSON.stringify(value)));
 */
export function resolveConnectionSettled<T>(
  connection: T,
  managers: SecretManagers,
  options?: ResolveConnectionOptions,
): Promise<SettledResolution<T>> {
  return resolveWith(connection, managers, options, true, settle);
}

/** The validated options of one resolve. @internal */
export interface ReadOptions {
  signal: AbortSignal | undefined;
  router: Router;
  maxDepth: number;
  encode: EncodeOption | undefined;
  keepJsonTypes: boolean;
  refresh: boolean;
}

/**
 * Validates every option (and `managers`) at once, before anything is walked or fetched.
 * @internal
 */
export function readOptions(
  managers: SecretManagers,
  options: ResolveConnectionOptions | undefined,
): ReadOptions {
  if (options === undefined) return defaultsFor(managers);
  const signal = readSignal(options);
  const router = createRouter(managers, options.defaultManager);
  return { signal, router, ...readValueOptions(options), refresh: readFlag(options.refresh, 'refresh') };
}

/** The options that shape the resolved value, checked: those a compiled connection keeps. @internal */
export type ValueOptions = Pick<ReadOptions, 'maxDepth' | 'encode' | 'keepJsonTypes'>;

/** Checks `maxDepth`, `encode` and `keepJsonTypes` of resolve or compile options. @internal */
export function readValueOptions(
  options: WalkOptions & { encode?: unknown; keepJsonTypes?: unknown },
): ValueOptions {
  return {
    maxDepth: readMaxDepth(options),
    encode: readEncode(options.encode),
    keepJsonTypes: readFlag(options.keepJsonTypes, 'keepJsonTypes'),
  };
}

/** The options of a resolve given none, for `managers`: the router is all that differs. */
function defaultsFor(managers: SecretManagers): ReadOptions {
  const router = createRouter(managers, undefined);
  if (router.defaults !== undefined) return router.defaults as ReadOptions;
  const defaults: ReadOptions = {
    signal: undefined,
    router,
    maxDepth: DEFAULT_MAX_DEPTH,
    encode: undefined,
    keepJsonTypes: false,
    refresh: false,
  };
  // A router made once per manager keeps them, so a resolve without options allocates no options.
  if (router.single !== undefined) router.defaults = Object.freeze(defaults);
  return defaults;
}

/** The result of a resolve, before it is thrown or settled. @internal */
export interface Resolution<T> {
  value: T;
  sub: Substitution;
}

/** @internal Throws the resolution's issues, or gives its value. */
export function valueOrThrow<T>({ value, sub }: Resolution<T>): T {
  if (sub.issues !== undefined) throw new SecretResolutionError(sub.issues);
  return value;
}

/** @internal The settled form of a resolution. */
export function settle<T>({ value, sub }: Resolution<T>): SettledResolution<T> {
  return {
    value,
    issues: sub.issues ?? [],
    resolved: sub.resolved ?? [],
    masker: createMasker(sub.values ?? []),
  };
}

/** The references of a resolve until its first is found (never pushed to: replaced first). */
const NO_REFS: SecretRef[] = [];

/** The substitution of a resolve that found no reference, in the throwing form: nothing to collect. */
const NOTHING = new Substitution(undefined, false, false);

/**
 * A string of the copy that holds references: its place in the copy is its link and key, or, in a compiled
 * connection's copy, the index of its container among the copied containers; neither for a root string.
 * @internal
 */
export interface Holder extends StringPlace {
  readonly source: string;
  readonly matches: readonly SecretRefMatch[];
  /** Index in the list sent to the managers of its first well-formed reference. */
  readonly slot: number;
  /** In a compiled connection: the index of its container in the copies (-1 for a root string). */
  readonly container?: number;
}

/**
 * Walks, fetches and substitutes; `finish` shapes the result inside the same promise. Whatever fails — bad options,
 * refused input, abort, the issues `finish` throws — is a rejection, never a synchronous throw.
 */
function resolveWith<T, R>(
  connection: T,
  managers: SecretManagers,
  options: ResolveConnectionOptions | undefined,
  settled: boolean,
  finish: (resolution: Resolution<T>) => R,
): Promise<R> {
  try {
    const read = readOptions(managers, options);
    throwIfAborted(read.signal);
    // Made at the first string holding a reference: a connection without any allocates neither.
    let holders: Holder[] | undefined;
    let refs = NO_REFS;
    const copy = copyStringSites(
      connection,
      (source, at) => {
        const matches = scanSecretRefsMemo(source);
        if (matches.length === 0) return;
        if (holders === undefined) {
          holders = [];
          refs = [];
        }
        const slot = refs.length;
        for (const match of matches) if (match.ref) refs.push(match.ref);
        holders.push({ source, matches, slot, link: at.link(), key: at.key() });
      },
      read.maxDepth,
    );
    return readAndSubstitute(copy.value as T, holders, refs, read, settled, finish);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The second half of a resolve, once the copy is made and its strings holding references are known (by a walk, or
 * by a compiled connection's plan): read every reference through its manager, substitute, `finish`. A throw is
 * the caller's to turn into a rejection.
 * @internal
 */
export function readAndSubstitute<T, R>(
  copy: T,
  holders: readonly Holder[] | undefined,
  refs: readonly SecretRef[],
  read: ReadOptions,
  settled: boolean,
  finish: (resolution: Resolution<T>) => R,
  copies?: readonly Container[],
): Promise<R> {
  const { signal } = read;
  if (holders === undefined || holders.length === 0) {
    throwIfAborted(signal);
    const sub = settled ? new Substitution(undefined, false, true) : NOTHING;
    return Promise.resolve(finish({ value: copy, sub }));
  }
  const fetched = fetchAll(refs, read.router, signal, read.refresh);
  // All cached: the resolve is settled in this turn (see the warm path in src/cache/read-through.ts).
  if (Array.isArray(fetched))
    return Promise.resolve(finish(substituteAll(copy, holders, fetched, read, settled, copies)));
  return fetched.then((outcomes) => finish(substituteAll(copy, holders, outcomes, read, settled, copies)));
}

/** Writes each holder's substituted string into the copy (or the copy itself, for a root string). */
function substituteAll<T>(
  copy: unknown,
  holders: readonly Holder[],
  outcomes: readonly SecretResult[],
  read: ReadOptions,
  settled: boolean,
  copies: readonly Container[] | undefined,
): Resolution<T> {
  const sub = new Substitution(read.encode, read.keepJsonTypes, settled);
  let value = copy;
  for (const holder of holders) {
    const next = substitute(sub, holder.source, holder.matches, outcomes, holder.slot, holder);
    if (next === UNCHANGED) continue;
    const { container } = holder;
    const target =
      container === undefined ? (holder.link as PathLink | undefined)?.copy : copies?.[container];
    if (target === undefined) value = next;
    else setOwn(target, holder.key, next);
  }
  return { value: value as T, sub };
}
