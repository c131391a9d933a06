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
  if (locator.versionStage !== undefined && !(locator.versionStage === CURRENT_STAGE && !locator.versionId)) {
    out.versionStage = locator.versionStage;
  }
  return out;
}

/** True when the locator asks for the current version (what a batched read returns). */
export function isCurrentLocator(locator: SecretLocator): boolean {
  return locator.versionId === undefined && locator.versionStage === undefined;
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
  return ({ secretId, versionStage, versionId }) => {
    const stage = versionStage === CURRENT_STAGE && !versionId ? undefined : versionStage;
    return `${start}${escapePart(secretId)}${SEPARATOR}${optional(stage)}${SEPARATOR}${optional(versionId)}`;
  };
}
