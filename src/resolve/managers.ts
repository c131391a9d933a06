import { raceAbort } from '../abort.js';
import { SecretRefConfigError, SecretRefError } from '../errors.js';
import type { SecretManager } from '../manager/types.js';
import type { SecretRef } from '../types.js';

/**
 * A function that gives the manager of a connection id (`undefined` for a reference naming none, unless
 * `defaultManager` is set), for platforms with more connections than they want to build up front. A resolve calls
 * it once per distinct id; a throw, a rejection or a result that is not a manager is an `unknown_manager` issue.
 * @example
 *   const lookup: ManagerLookup = (id) => registry.managers(id);
 *   await resolveConnection(connection, lookup);
 */
export type ManagerLookup = (id: string | undefined) => SecretManager | Promise<SecretManager>;

/**
 * One manager serving every reference, managers keyed by id (the Activepieces connection id), or a function that
 * looks the manager of an id up ({@link ManagerLookup}).
 * @example
 *   const managers: SecretManagers = { prod: prodManager, staging: stagingManager };
 *   await resolveConnection(connection, managers, { defaultManager: 'prod' });
 */
export type SecretManagers = SecretManager | Readonly<Record<string, SecretManager>> | ManagerLookup;

/** Which manager serves a reference, or why none does. */
type Route = { ok: true; manager: SecretManager } | { ok: false; message: string };

/** Picks the manager of a reference. */
export type RouteOf = (ref: SecretRef) => Route;

/**
 * Gives the {@link RouteOf} for the references of one resolve: at once for a manager or a record, after the lookups
 * for a {@link ManagerLookup} that answers with a promise.
 */
export type Router = ((
  refs: readonly SecretRef[],
  signal: AbortSignal | undefined,
) => RouteOf | Promise<RouteOf>) & {
  /** The one manager serving every reference, when `managers` is a single manager. */
  single?: SecretManager;
  /** The options of a resolve given none with this router, kept by `resolveConnection`. */
  defaults?: unknown;
};

/**
 * Validates `managers` and `defaultManager` at once and returns the {@link Router} of a resolve.
 * A single manager serves every reference. In a record, `ref.manager` picks the entry; a reference naming no
 * manager (the CloudFormation form) goes to `defaultManager`, else to the record's only entry. A function is asked
 * for `ref.manager ?? defaultManager`, once per distinct id.
 * @internal
 */
export function createRouter(managers: SecretManagers, defaultManager: string | undefined): Router {
  if (defaultManager !== undefined && typeof defaultManager !== 'string') {
    throw new SecretRefConfigError('defaultManager', '`defaultManager` must be a string');
  }
  if (typeof managers === 'function') return lookupRouter(managers, defaultManager);
  if (isManager(managers)) return singleRouter(managers);
  return fixedRouter(recordRouter(managers, defaultManager));
}

const singleRouters = new WeakMap<SecretManager, Router>();

/** The router of one manager, made once per manager (a resolve on the warm path allocates none). */
function singleRouter(manager: SecretManager): Router {
  let router = singleRouters.get(manager);
  if (router === undefined) {
    const route: Route = { ok: true, manager };
    router = fixedRouter(() => route);
    router.single = manager;
    singleRouters.set(manager, router);
  }
  return router;
}

function fixedRouter(route: RouteOf): Router {
  return () => route;
}

function recordRouter(
  managers: Exclude<SecretManagers, SecretManager | ManagerLookup>,
  defaultManager: string | undefined,
): RouteOf {
  if (managers === null || typeof managers !== 'object') {
    throw new SecretRefConfigError(
      'managers',
      '`managers` must be a secret manager, a record of them by id, or a function giving the manager of an id',
    );
  }
  const ids = Object.keys(managers);
  for (const id of ids) {
    if (!isManager((managers as Record<string, unknown>)[id])) {
      throw new SecretRefConfigError(
        'managers',
        `\`managers\` entry ${JSON.stringify(id)} is not a secret manager (it has no \`getSecrets\` method)`,
      );
    }
  }
  if (defaultManager !== undefined && !Object.hasOwn(managers, defaultManager)) {
    throw new SecretRefConfigError(
      'defaultManager',
      `\`defaultManager\` ${JSON.stringify(defaultManager)} is not a key of \`managers\` (${listIds(ids)})`,
    );
  }
  const record = managers as Readonly<Record<string, SecretManager>>;
  const fallback = defaultManager ?? (ids.length === 1 ? ids[0] : undefined);
  return (ref) => {
    const id = ref.manager ?? fallback;
    if (id === undefined) {
      return {
        ok: false,
        message:
          ids.length === 0
            ? 'it names no manager and `managers` is empty'
            : `it names no manager and no \`defaultManager\` was given (managers: ${listIds(ids)})`,
      };
    }
    if (!Object.hasOwn(record, id)) {
      return {
        ok: false,
        message: `no manager with id ${JSON.stringify(id)} was given (managers: ${listIds(ids)})`,
      };
    }
    return { ok: true, manager: record[id] as SecretManager };
  };
}

/** The router of a {@link ManagerLookup}: one call per distinct id, synchronous answers used at once. */
function lookupRouter(lookup: ManagerLookup, defaultManager: string | undefined): Router {
  return (refs, signal) => {
    const routes = new Map<string | undefined, Route | Promise<Route>>();
    let pending = false;
    for (const ref of refs) {
      const id = ref.manager ?? defaultManager;
      if (routes.has(id)) continue;
      const route = lookUp(lookup, id);
      if (!('ok' in route)) pending = true;
      routes.set(id, route);
    }
    const routeOf: RouteOf = (ref) => routes.get(ref.manager ?? defaultManager) as Route;
    if (!pending) return routeOf;
    const settled = Promise.all(
      [...routes].map(async ([id, route]) => {
        routes.set(id, await route);
      }),
    );
    return raceAbort(settled, signal).then(() => routeOf);
  };
}

function lookUp(lookup: ManagerLookup, id: string | undefined): Route | Promise<Route> {
  let found: unknown;
  try {
    found = lookup(id);
  } catch (error) {
    return ownReason(error) ?? notFound(id, 'threw');
  }
  if (isThenable(found)) {
    return Promise.resolve(found).then(
      (manager) => routeTo(manager, id),
      (error: unknown) => ownReason(error) ?? notFound(id, 'rejected'),
    );
  }
  return routeTo(found, id);
}

function routeTo(found: unknown, id: string | undefined): Route {
  return isManager(found) ? { ok: true, manager: found } : notFound(id, 'gave no secret manager');
}

/** An `unknown_manager` error (as `createManagerRegistry` throws) says why itself; any other error is not quoted. */
function ownReason(error: unknown): Route | undefined {
  return error instanceof SecretRefError && error.code === 'unknown_manager'
    ? { ok: false, message: error.message }
    : undefined;
}

/** The failure of a lookup; the lookup's own error is not quoted (it may hold a credential). */
function notFound(id: string | undefined, what: string): Route {
  const named = id === undefined ? 'for a reference naming no manager' : `for id ${JSON.stringify(id)}`;
  return { ok: false, message: `the \`managers\` function ${what} ${named}` };
}

/** True for a promise-like value; one whose `then` throws when read is not one. @internal */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return (
      value !== null &&
      (typeof value === 'object' || typeof value === 'function') &&
      typeof (value as { then?: unknown }).then === 'function'
    );
  } catch {
    return false;
  }
}

/** True for an object with a `getSecrets` method; one whose properties throw when read is not a manager. */
export function isManager(value: unknown): value is SecretManager {
  try {
    return (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as { getSecrets?: unknown }).getSecrets === 'function'
    );
  } catch {
    return false;
  }
}

function listIds(ids: readonly string[]): string {
  if (ids.length === 0) return 'none';
  const shown = ids.slice(0, 10).map((id) => JSON.stringify(id));
  return ids.length > 10 ? `${shown.join(', ')}, … ${ids.length - 10} more` : shown.join(', ');
}
