import { isCurrentLocator } from '../ref/secret-names.js';
import type { SecretLocator } from '../types.js';

export { isCurrentLocator };

const SEPARATOR = '|';

const NEEDS_ESCAPE = /[\\|]/;

function escapePart(part: string): string {
  if (!NEEDS_ESCAPE.test(part)) return part;
  return part.replaceAll('\\', '\\\\').replaceAll(SEPARATOR, `\\${SEPARATOR}`);
}

function optional(part: string | undefined): string {
  return part === undefined ? '-' : `=${escapePart(part)}`;
}

/** The locator with an explicit `AWSCURRENT` stage (and no version id) reduced to the plain current form. */
export function normalizeLocator(locator: SecretLocator): SecretLocator {
  const out: SecretLocator = { secretId: locator.secretId };
  if (locator.service !== undefined) out.service = locator.service;
  if (locator.versionId !== undefined) out.versionId = locator.versionId;
  if (locator.versionStage !== undefined && !isCurrentLocator(locator)) {
    out.versionStage = locator.versionStage;
  }
  return out;
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
 * no two different locators share a key, whatever characters they hold. A Parameter Store locator's id is written
 * `<service>:<name>`: a Secrets Manager id never holds `:` outside an ARN (which starts `arn:`), so no parameter
 * shares a key with a secret, and `ssm` and `ssm-secure` reads of one parameter are two entries.
 */
export function cacheKey(identity: string, locator: SecretLocator): string {
  return cacheKeyFor(identity)(locator);
}

/** {@link cacheKey} for one provider identity, escaped once rather than on every read. */
export function cacheKeyFor(identity: string): (locator: SecretLocator) => string {
  const start = identityKeyPrefix(identity);
  return (locator) => {
    const { secretId, versionStage, versionId, service } = locator;
    const stage = isCurrentLocator(locator) ? undefined : versionStage;
    const id = service === undefined ? escapePart(secretId) : `${service}:${escapePart(secretId)}`;
    // Joined, not concatenated: a concatenation is a tree of string pieces that the store keeps for the life of the
    // entry (~35 B an entry in "memory per entry read by JSON key", `BENCH_ONLY=memory`); `join` makes one string.
    return [start, id, SEPARATOR, optional(stage), SEPARATOR, optional(versionId)].join('');
  };
}
