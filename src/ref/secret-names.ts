import type { SecretPayload } from '../types.js';

const SUFFIX = /-[A-Za-z0-9]{6}$/;

/** True when `secretId` names the secret a payload was read from: by its name, its full ARN or its partial ARN. */
export function namesSecret(payload: SecretPayload, secretId: string): boolean {
  if (secretId === payload.name || secretId === payload.arn) return true;
  const { arn } = payload;
  return arn !== undefined && arn.length === secretId.length + 7 && arn.startsWith(`${secretId}-`);
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

const RESOURCE = ':secret:';

/** What follows `:secret:` in an ARN; `undefined` for anything else (a name). */
function resourceOf(secretId: string): string | undefined {
  const at = secretId.startsWith('arn:') ? secretId.indexOf(RESOURCE) : -1;
  return at < 0 ? undefined : secretId.slice(at + RESOURCE.length);
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
