import type { SecretLocator, SecretPayload } from '../types.js';

/**
 * The forms of a Secrets Manager secret id, in one place: a name, a full ARN (`…:secret:<name>-AbCdEf`, AWS's
 * 6-character suffix) or a partial ARN (without the suffix); and which version a locator asks for.
 */

/** The parts of a Secrets Manager ARN that routing and matching need. */
interface SecretArnParts {
  partition: string;
  region: string;
  account: string;
  /** What follows `:secret:`: the name with AWS's 6-character suffix (full ARN) or without it (partial ARN). */
  resource: string;
}

const ARN_PATTERN = /^arn:([a-z0-9-]+):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;
const SUFFIX = /-[A-Za-z0-9]{6}$/;
const RESOURCE = ':secret:';

/** Splits a Secrets Manager ARN (full or partial); `undefined` for a secret name or any other text. */
export function parseSecretArn(secretId: string): SecretArnParts | undefined {
  const match = ARN_PATTERN.exec(secretId);
  if (match === null) return undefined;
  const [, partition, region, account, resource] = match;
  return { partition: partition!, region: region!, account: account!, resource: resource! };
}

/** The region named by an ARN secret id, or `undefined` for a name. */
export function regionOfSecretId(secretId: string): string | undefined {
  return parseSecretArn(secretId)?.region;
}

/** Whether `text` is `base`, `-` and AWS's 6-character suffix: the full ARN (or name) of a partial one. */
export function extendsBySuffix(text: string, base: string): boolean {
  return text.length === base.length + 7 && text.startsWith(`${base}-`);
}

/** True when `secretId` names the secret a payload was read from: by its name, its full ARN or its partial ARN. */
export function namesSecret(payload: SecretPayload, secretId: string): boolean {
  if (secretId === payload.name || secretId === payload.arn) return true;
  return payload.arn !== undefined && extendsBySuffix(payload.arn, secretId);
}

/** What follows `:secret:` in an ARN; `undefined` for anything else (a name). */
function resourceOf(secretId: string): string | undefined {
  const at = secretId.startsWith('arn:') ? secretId.indexOf(RESOURCE) : -1;
  return at < 0 ? undefined : secretId.slice(at + RESOURCE.length);
}

/**
 * The names a secret id may stand for: a name itself; for an ARN, what follows `:secret:` — with and without a
 * trailing `-XXXXXX`, since a partial ARN and a full one cannot always be told apart.
 */
function candidateNames(secretId: string): string[] {
  const resource = resourceOf(secretId);
  if (resource === undefined) return [secretId];
  return SUFFIX.test(resource) ? [resource, resource.slice(0, -7)] : [resource];
}

/** The name a full ARN ends with (`arn:…:secret:NAME-xxxxxx`); `undefined` when it has not that form. */
export function nameOfArn(arn: string | undefined): string | undefined {
  const resource = arn === undefined ? undefined : resourceOf(arn);
  return resource !== undefined && SUFFIX.test(resource) ? resource.slice(0, -7) : undefined;
}

/**
 * True when two secret ids may name one secret (a name and an ARN of that name, two ARN forms of it, or equal
 * ids). It errs on the side of yes: an ARN of another account with the same name counts, which only makes an
 * invalidation drop a little more than it must.
 */
export function mayNameSameSecret(first: string, second: string): boolean {
  if (first === second) return true;
  const names = candidateNames(first);
  return candidateNames(second).some((name) => names.includes(name));
}

/**
 * The stage a locator names when it names none; a locator that asks for it explicitly (and no version id)
 * reads the same value, so both share one cache entry and one batched fetch.
 */
export const CURRENT_STAGE = 'AWSCURRENT';

/**
 * True when the locator asks for the current version (what a batched read returns): the one "current" rule. A
 * Parameter Store label is never "current", whatever its text: only a parameter named without version or label is.
 */
export function isCurrentLocator(locator: SecretLocator): boolean {
  if (locator.versionId !== undefined) return false;
  if (locator.service !== undefined) return locator.versionStage === undefined;
  return (locator.versionStage ?? CURRENT_STAGE) === CURRENT_STAGE;
}

/** The staging label a Secrets Manager answer must carry for `locator`: its stage, else `AWSCURRENT` unless pinned by id. */
export function stageAskedFor(locator: SecretLocator): string | undefined {
  return locator.versionStage ?? (locator.versionId === undefined ? CURRENT_STAGE : undefined);
}
