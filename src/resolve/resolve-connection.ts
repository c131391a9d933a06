import { throwIfAborted } from '../abort.js';
import { SecretRefConfigError, SecretResolutionError, type SecretResolutionIssue } from '../errors.js';
import { scanSecretRefs } from '../ref/scan.js';
import type { SecretRef } from '../types.js';
import { fetchRefs, type RefOutcome } from './fetch-refs.js';
import { type FoundSecretRef, toFound } from './find.js';
import { createRouter, type SecretManagers } from './managers.js';
import { createMasker, type Masker } from './mask.js';
import { copyStrings, type PathSegment, readMaxDepth, type WalkOptions } from './walk.js';

/** Options of {@link resolveConnection} and {@link resolveConnectionSettled}. */
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

/** A reference that was replaced by its value (the value is not kept here). */
export interface ResolvedSecretRef {
  /** Where the string holding the reference sits. */
  path: PathSegment[];
  /** The reference text, as written. */
  ref: string;
}

/** What {@link resolveConnectionSettled} returns: the copy, and every reference that failed or succeeded. */
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

interface Site {
  found: FoundSecretRef;
  source: string;
  replace: ((next: string) => void) | undefined;
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
export async function resolveConnection<T>(
  connection: T,
  managers: SecretManagers,
  options?: ResolveConnectionOptions,
): Promise<T> {
  const { value, issues } = await resolveConnectionSettled(connection, managers, options);
  if (issues.length > 0) throw new SecretResolutionError(issues);
  return value;
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
export async function resolveConnectionSettled<T>(
  connection: T,
  managers: SecretManagers,
  options: ResolveConnectionOptions = {},
): Promise<SettledResolution<T>> {
  if (options === null || typeof options !== 'object') {
    throw new SecretRefConfigError('options', '`options` must be an object');
  }
  const { signal, defaultManager } = options;
  if (signal !== undefined && !isSignal(signal)) {
    throw new SecretRefConfigError('signal', '`signal` must be an AbortSignal');
  }
  const route = createRouter(managers, defaultManager);
  const maxDepth = readMaxDepth(options);
  throwIfAborted(signal);

  const sites: Site[] = [];
  const copy = copyStrings(
    connection,
    (source, path, replace) => {
      for (const match of scanSecretRefs(source))
        sites.push({ found: toFound(match, source, path), source, replace });
    },
    { maxDepth },
  );

  const wellFormed = sites.filter((site) => site.found.ref !== undefined);
  const outcomes = await fetchRefs(
    wellFormed.map((site) => site.found.ref as SecretRef),
    route,
    signal,
  );
  const outcomeOf = new Map(wellFormed.map((site, i) => [site, outcomes[i]!]));

  const issues: SecretResolutionIssue[] = [];
  const resolved: ResolvedSecretRef[] = [];
  const values: string[] = [];
  for (const site of sites) {
    const { found } = site;
    const outcome: RefOutcome = found.error
      ? { ok: false, code: 'invalid_reference', reason: found.error.message }
      : outcomeOf.get(site)!;
    if (outcome.ok) {
      resolved.push({ path: found.path, ref: found.text });
      values.push(outcome.value);
    } else {
      issues.push({
        path: found.path,
        ref: found.text,
        code: outcome.code,
        message: `${found.text}: ${outcome.reason}`,
      });
    }
  }
  substitute(sites, outcomeOf);
  return { value: copy.value as T, issues, resolved, masker: createMasker(values) };
}

function substitute(sites: readonly Site[], outcomeOf: ReadonlyMap<Site, RefOutcome>): void {
  const byString = new Map<(next: string) => void, Site[]>();
  for (const site of sites) {
    if (site.replace === undefined) continue;
    const list = byString.get(site.replace);
    if (list) list.push(site);
    else byString.set(site.replace, [site]);
  }
  for (const [replace, list] of byString) {
    const source = list[0]!.source;
    let out = '';
    let cursor = 0;
    let changed = false;
    for (const site of list) {
      const outcome = outcomeOf.get(site);
      out += source.slice(cursor, site.found.start);
      if (outcome?.ok) {
        out += outcome.value;
        changed = true;
      } else {
        out += site.found.text;
      }
      cursor = site.found.end;
    }
    if (changed) replace(out + source.slice(cursor));
  }
}

function isSignal(value: unknown): value is AbortSignal {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}
