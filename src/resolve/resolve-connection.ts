import { readSignal, throwIfAborted } from '../abort.js';
import { SecretRefConfigError, SecretResolutionError, type SecretResolutionIssue } from '../errors.js';
import type { SecretRef, SecretRefMatch } from '../types.js';
import { fetchRefs, type RefOutcome } from './fetch-refs.js';
import { createRouter, type SecretManagers } from './managers.js';
import { createLazyMasker, type Masker } from './mask.js';
import { scanSecretRefsMemo } from './scan-memo.js';
import { copyStringSites, type PathSegment, readMaxDepth, type WalkOptions } from './walk.js';

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
   * form). Without it, such references go to the record's only entry, or fail with `unknown_manager`.
   * @default undefined
   */
  defaultManager?: string;
}

/**
 * A reference that was replaced by its value (the value is not kept here).
 * @example
 *   const { resolved } = await resolveConnectionSettled(connection, manager);
 *   const paths = resolved.map((entry: ResolvedSecretRef) => formatPath(entry.path));
 */
export interface ResolvedSecretRef {
  /** Where the string holding the reference sits. */
  path: PathSegment[];
  /** The reference text, as written. */
  ref: string;
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
  /** Hides the resolved values in text or objects, for logs and command output. */
  masker: Masker;
}

/** A reference found in a string: where, what, and its index in the list sent to the managers (-1: malformed). */
interface Site {
  match: SecretRefMatch;
  path: PathSegment[];
  slot: number;
}

/** A string of the copy that holds references. */
interface Holder {
  source: string;
  replace: ((next: string) => void) | undefined;
  sites: Site[];
}

interface Resolution<T> {
  value: T;
  issues: SecretResolutionIssue[];
  resolved: ResolvedSecretRef[];
  values: string[];
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
  return resolveAll(connection, managers, options, valueOrThrow);
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
  return resolveAll(connection, managers, options, settle);
}

function valueOrThrow<T>({ value, issues }: Resolution<T>): T {
  if (issues.length > 0) throw new SecretResolutionError(issues);
  return value;
}

function settle<T>({ value, issues, resolved, values }: Resolution<T>): SettledResolution<T> {
  return { value, issues, resolved, masker: createLazyMasker(values) };
}

/** Walks, fetches and substitutes; `finish` shapes the result inside the same promise. */
async function resolveAll<T, R>(
  connection: T,
  managers: SecretManagers,
  options: ResolveConnectionOptions | undefined,
  finish: (resolution: Resolution<T>) => R,
): Promise<R> {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') {
    throw new SecretRefConfigError('options', '`options` must be an object');
  }
  const signal = readSignal(options);
  const { defaultManager } = options;
  const route = createRouter(managers, defaultManager);
  const maxDepth = readMaxDepth(options);
  throwIfAborted(signal);

  const holders: Holder[] = [];
  const refs: SecretRef[] = [];
  const copy = copyStringSites(
    connection,
    (source, at) => {
      const matches = scanSecretRefsMemo(source);
      if (matches.length === 0) return;
      const sites: Site[] = [];
      for (const match of matches) {
        sites.push({ match, path: at.path(), slot: match.ref ? refs.push(match.ref) - 1 : -1 });
      }
      holders.push({ source, replace: at.replacer(), sites });
    },
    maxDepth,
  );
  const routing = route(refs, signal);
  const fetched =
    typeof routing === 'function' ? fetchRefs(refs, routing, signal) : fetchRefs(refs, await routing, signal);
  const outcomes = Array.isArray(fetched) ? fetched : await fetched;

  const issues: SecretResolutionIssue[] = [];
  const resolved: ResolvedSecretRef[] = [];
  const values: string[] = [];
  for (const { source, replace, sites } of holders) {
    let out = '';
    let cursor = 0;
    let changed = false;
    for (const { match, path, slot } of sites) {
      const outcome: RefOutcome = match.error
        ? { ok: false, code: 'invalid_reference', reason: match.error.message }
        : outcomes[slot]!;
      if (outcome.ok) {
        resolved.push({ path, ref: match.text });
        values.push(outcome.value);
        out += source.slice(cursor, match.start) + outcome.value;
        changed = true;
      } else {
        issues.push({
          path,
          ref: match.text,
          code: outcome.code,
          message: `${match.text}: ${outcome.reason}`,
        });
        out += source.slice(cursor, match.end);
      }
      cursor = match.end;
    }
    if (changed) replace?.(out + source.slice(cursor));
  }
  return finish({ value: copy.value as T, issues, resolved, values });
}
