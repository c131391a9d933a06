import type { SecretLocator } from '../types.js';

const SEPARATOR = '|';

const NEEDS_ESCAPE = /[\\|]/;

function escapePart(part: string): string {
  if (!NEEDS_ESCAPE.test(part)) return part;
  return part.replaceAll('\\', '\\\\').replaceAll(SEPARATOR, `\\${SEPARATOR}`);
}

function optional(part: string | undefined): string {
  return part === undefined ? '-' : `=${escapePart(part)}`;
}

/**
 * The stage a locator names when it names none; a locator that asks for it explicitly (and no version id)
 * reads the same value, so both share one cache entry and one batched fetch.
 */
export const CURRENT_STAGE = 'AWSCURRENT';

/** The locator with an explicit `AWSCURRENT` stage (and no version id) reduced to the plain current form. */
export function normalizeLocator(locator: SecretLocator): SecretLocator {
  const out: SecretLocator = { secretId: locator.secretId };
  if (locator.versionId !== undefined) out.versionId = locator.versionId;
  if (locator.versionStage !== undefined && !isCurrentLocator(locator)) {
    out.versionStage = locator.versionStage;
  }
  return out;
}

/** True when the locator asks for the current version (what a batched read returns): the one "current" rule. */
export function isCurrentLocator(locator: SecretLocator): boolean {
  return locator.versionId === undefined && (locator.versionStage ?? CURRENT_STAGE) === CURRENT_STAGE;
}

/** Which version a locator asks for, as text: `''` for the current one, `stage:<label>` or `id:<version id>`. */
export function versionSpec(locator: SecretLocator): string {
  if (locator.versionId !== undefined) return `id:${locator.versionId}`;
  return isCurrentLocator(locator) ? '' : `stage:${locator.versionStage}`;
}

/** The start shared by the keys of every version of one secret from one provider identity. */
export function secretKeyPrefix(identity: string, secretId: string): string {
  return `${escapePart(identity)}${SEPARATOR}${escapePart(secretId)}${SEPARATOR}`;
}

/** The start shared by every key of one provider identity. */
export function identityKeyPrefix(identity: string): string {
  return `${escapePart(identity)}${SEPARATOR}`;
}

/**
 * The cache key of one secret version: provider identity, secret id, stage and version id, each escaped so that
 * no two different locators share a key, whatever characters they hold.
 */
export function cacheKey(identity: string, locator: SecretLocator): string {
  return cacheKeyFor(identity)(locator);
}

/**
 * {@link cacheKey} for one provider identity, escaped once rather than on every read.
 * @example
 *   const keyOf = cacheKeyFor(provider.identity);
 *   const key = keyOf({ secretId: 'prod/db' });
 */
export function cacheKeyFor(identity: string): (locator: SecretLocator) => string {
  const start = identityKeyPrefix(identity);
  return (locator) => {
    const { secretId, versionStage, versionId } = locator;
    const stage = isCurrentLocator(locator) ? undefined : versionStage;
    return `${start}${escapePart(secretId)}${SEPARATOR}${optional(stage)}${SEPARATOR}${optional(versionId)}`;
  };
}
