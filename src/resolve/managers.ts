import { SecretRefConfigError } from '../errors.js';
import type { SecretManager, SecretRef } from '../types.js';

/**
 * One manager serving every reference, or managers keyed by id (the Activepieces connection id).
 * @example
 *   const managers: SecretManagers = { prod: prodManager, staging: stagingManager };
 *   await resolveConnection(connection, managers, { defaultManager: 'prod' });
 */
export type SecretManagers = SecretManager | Readonly<Record<string, SecretManager>>;

/** Which manager serves a reference, or why none does. */
export type Route = { ok: true; manager: SecretManager } | { ok: false; message: string };

/**
 * Validates `managers` and `defaultManager` at once and returns the function that picks the manager of a reference.
 * A single manager serves every reference. In a record, `ref.manager` picks the entry; a reference naming no
 * manager (the CloudFormation form) goes to `defaultManager`, else to the record's only entry.
 * @internal
 */
export function createRouter(
  managers: SecretManagers,
  defaultManager: string | undefined,
): (ref: SecretRef) => Route {
  if (managers === null || typeof managers !== 'object') {
    throw new SecretRefConfigError(
      'managers',
      '`managers` must be a secret manager or a record of them by id',
    );
  }
  if (defaultManager !== undefined && typeof defaultManager !== 'string') {
    throw new SecretRefConfigError('defaultManager', '`defaultManager` must be a string');
  }
  if (isManager(managers)) {
    const route: Route = { ok: true, manager: managers };
    return () => route;
  }
  const ids = Object.keys(managers);
  for (const id of ids) {
    if (!isManager(managers[id])) {
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
    if (!Object.hasOwn(managers, id)) {
      return {
        ok: false,
        message: `no manager with id ${JSON.stringify(id)} was given (managers: ${listIds(ids)})`,
      };
    }
    return { ok: true, manager: managers[id] as SecretManager };
  };
}

function isManager(value: unknown): value is SecretManager {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { getSecrets?: unknown }).getSecrets === 'function'
  );
}

function listIds(ids: readonly string[]): string {
  if (ids.length === 0) return 'none';
  const shown = ids.slice(0, 10).map((id) => JSON.stringify(id));
  return ids.length > 10 ? `${shown.join(', ')}, … ${ids.length - 10} more` : shown.join(', ');
}
