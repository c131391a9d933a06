import { PARAMETER_TYPES } from './parameters.js';
import type { LocalSecretsManagerOptions, SeedParameter, SeedSecret } from './types.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function fail(where: string, why: string): never {
  throw new TypeError(`Seed file: ${where} ${why}`);
}

/** The `secretString` and `secretBinary` of a secret or of one of its versions; absent ones are left out. */
function secretValueOf(raw: JsonObject, where: string): Pick<SeedSecret, 'secretString' | 'secretBinary'> {
  const value: Pick<SeedSecret, 'secretString' | 'secretBinary'> = {};
  const { secretString, secretBinary } = raw;
  if (typeof secretString === 'string') value.secretString = secretString;
  else if (isObject(secretString)) value.secretString = JSON.stringify(secretString);
  else if (secretString !== undefined) fail(`${where}.secretString`, 'must be a string or a JSON object');
  if (secretBinary !== undefined) {
    if (typeof secretBinary !== 'string') fail(`${where}.secretBinary`, 'must be a base64 string');
    value.secretBinary = new Uint8Array(Buffer.from(secretBinary, 'base64'));
  }
  return value;
}

function seedOf(raw: unknown, index: number): SeedSecret {
  const where = `secrets[${index}]`;
  if (!isObject(raw)) fail(where, 'must be an object');
  if (typeof raw.name !== 'string' || raw.name === '') fail(`${where}.name`, 'must be a non-empty string');
  const seed: SeedSecret = { name: raw.name, ...secretValueOf(raw, where) };
  if (typeof raw.description === 'string') seed.description = raw.description;
  if (isObject(raw.tags))
    seed.tags = Object.fromEntries(Object.entries(raw.tags).map(([k, v]) => [k, String(v)]));
  if (raw.kmsFailure === true) seed.kmsFailure = true;
  if (raw.deleted === true) seed.deleted = true;
  if (Array.isArray(raw.versions)) {
    seed.versions = raw.versions.map((v: unknown, i) => {
      const at = `${where}.versions[${i}]`;
      if (!isObject(v) || !Array.isArray(v.stages)) fail(at, 'must be an object with a `stages` list');
      const version: NonNullable<SeedSecret['versions']>[number] = { stages: v.stages.map(String) };
      if (typeof v.versionId === 'string') version.versionId = v.versionId;
      return Object.assign(version, secretValueOf(v, at));
    });
  }
  return seed;
}

function parameterOf(raw: unknown, index: number): SeedParameter {
  const where = `parameters[${index}]`;
  if (!isObject(raw)) fail(where, 'must be an object');
  if (typeof raw.name !== 'string' || raw.name === '') fail(`${where}.name`, 'must be a non-empty string');
  const value = Array.isArray(raw.value) ? raw.value.map(String).join(',') : raw.value;
  if (typeof value !== 'string') fail(`${where}.value`, 'must be a string (or a list, for a StringList)');
  const seed: SeedParameter = { name: raw.name, value };
  if (raw.type !== undefined) {
    if (!PARAMETER_TYPES.includes(raw.type as string))
      fail(`${where}.type`, `must be one of ${PARAMETER_TYPES.join(', ')}`);
    seed.type = raw.type as SeedParameter['type'] & string;
  }
  if (raw.labels !== undefined) {
    if (!Array.isArray(raw.labels)) fail(`${where}.labels`, 'must be a list');
    seed.labels = raw.labels.map(String);
  }
  if (raw.kmsFailure === true) seed.kmsFailure = true;
  return seed;
}

/**
 * Reads a seed file (docs/local-endpoint.md): either a list of secrets or `{ region, accountId, credentials,
 * deniedActions, secrets, parameters }`. `secretBinary` is base64; a `secretString` given as a JSON object is stored
 * JSON-encoded; a parameter is `{ name, value, type?, labels?, kmsFailure? }` (a StringList's value may be a list);
 * a parameter listed twice gets two versions.
 * Errors name the offending field and never quote the file's content.
 * @example
 * parseSeedFile('[{"name":"db","secretString":{"password":"pw"}}]');
 */
export function parseSeedFile(content: string): LocalSecretsManagerOptions {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    // The file is the user's: not trusted to be JSON, and the parser's message would quote its content.
    throw new TypeError('Seed file: not valid JSON');
  }
  const root: JsonObject = Array.isArray(raw)
    ? { secrets: raw }
    : isObject(raw)
      ? raw
      : fail('root', 'must be a list');
  const options: LocalSecretsManagerOptions = {};
  if (typeof root.region === 'string') options.region = root.region;
  if (typeof root.accountId === 'string') options.accountId = root.accountId;
  if (Array.isArray(root.deniedActions)) options.deniedActions = root.deniedActions.map(String);
  if (root.credentials !== undefined) {
    const c = root.credentials;
    if (!isObject(c) || typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string') {
      fail('credentials', 'must have string `accessKeyId` and `secretAccessKey`');
    }
    options.credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
    if (typeof c.sessionToken === 'string') options.credentials.sessionToken = c.sessionToken;
  }
  const secrets = root.secrets ?? [];
  if (!Array.isArray(secrets)) fail('secrets', 'must be a list');
  options.secrets = secrets.map(seedOf);
  const parameters = root.parameters ?? [];
  if (!Array.isArray(parameters)) fail('parameters', 'must be a list');
  if (parameters.length > 0) options.parameters = parameters.map(parameterOf);
  return options;
}
