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
  if (locator.service !== undefined) out.service = locator.service;
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
 * no two different locators share a key, whatever characters they hold. A Parameter Store locator's id is written
 * `<service>:<name>`: a Secrets Manager id never holds `:` outside an ARN (which starts `arn:`), so no parameter
 * shares a key with a secret, and `ssm` and `ssm-secure` reads of one parameter are two entries.
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
  return ({ secretId, versionStage, versionId, service }) => {
    const stage = versionStage === CURRENT_STAGE && !versionId && !service ? undefined : versionStage;
    const id = service === undefined ? escapePart(secretId) : `${service}:${escapePart(secretId)}`;
    return `${start}${id}${SEPARATOR}${optional(stage)}${SEPARATOR}${optional(versionId)}`;
  };
}

let lastIdentity: string | undefined;
let lastPrefix = '';

/** `identityKeyPrefix`, for the identity asked last without escaping it again. */
function prefixOf(identity: string): string {
  if (identity !== lastIdentity) {
    lastPrefix = identityKeyPrefix(identity);
    lastIdentity = identity;
  }
  return lastPrefix;
}

/** `secretIdOfKey(key, identity) === secretId`, without building the id when it needs no escaping. */
export function keyHoldsSecretId(key: string, identity: string, secretId: string): boolean {
  if (NEEDS_ESCAPE.test(secretId)) return secretIdOfKey(key, identity) === secretId;
  const prefix = prefixOf(identity);
  return (
    key.startsWith(prefix) &&
    key.startsWith(secretId, prefix.length) &&
    key.charCodeAt(prefix.length + secretId.length) === 124
  );
}

/**
 * The secret id a cache key holds (see `cacheKey`: the escaped identity, `|`, the escaped secret id, `|`, …);
 * `undefined` when the key does not start with that identity's prefix.
 */
export function secretIdOfKey(key: string, identity: string): string | undefined {
  const prefix = prefixOf(identity);
  if (!key.startsWith(prefix)) return undefined;
  let text = '';
  let from = prefix.length;
  for (let at = from; at < key.length; at++) {
    const char = key[at];
    if (char === '|') return text + key.slice(from, at);
    if (char === '\\') {
      text += key.slice(from, at) + (key[at + 1] ?? '');
      at++;
      from = at + 1;
    }
  }
  return undefined;
}
