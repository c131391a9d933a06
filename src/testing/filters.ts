import { awsErrors } from './aws-error.js';
import type { Input } from './input.js';
import type { StoredSecret } from './store.js';

interface Filter {
  key: string;
  values: string[];
}

const KEYS = new Set([
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
]);

/** Reads `Filters` ([{ Key, Values }]) and checks it as AWS's model does. */
export function parseFilters(input: Input): Filter[] | undefined {
  const raw = input.Filters;
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || raw.length > 10) {
    throw awsErrors.validation('1 validation error detected: Filters must be a list of at most 10 filters.');
  }
  return raw.map((entry: unknown, i) => {
    const { Key, Values } = (entry ?? {}) as { Key?: unknown; Values?: unknown };
    if (typeof Key !== 'string' || !KEYS.has(Key)) {
      throw awsErrors.validation(
        `1 validation error detected: Value '${String(Key)}' at 'filters.${i + 1}.member.key' failed to satisfy ` +
          `constraint: Member must satisfy enum value set: [${[...KEYS].join(', ')}]`,
      );
    }
    if (!Array.isArray(Values) || Values.length === 0 || Values.some((v) => typeof v !== 'string')) {
      throw awsErrors.invalidParameter(`Filter '${Key}' needs a list of string values.`);
    }
    return { key: Key, values: Values as string[] };
  });
}

function attributes(secret: StoredSecret, key: string, region: string): string[] {
  switch (key) {
    case 'name':
      return [secret.name];
    case 'description':
      return secret.description === undefined ? [] : [secret.description.toLowerCase()];
    case 'tag-key':
      return Object.keys(secret.tags);
    case 'tag-value':
      return Object.values(secret.tags);
    case 'primary-region':
      return [region];
    case 'all':
      return [
        secret.name,
        secret.description ?? '',
        ...Object.keys(secret.tags),
        ...Object.values(secret.tags),
      ].map((text) => text.toLowerCase());
    default:
      return [];
  }
}

function valueMatches(secret: StoredSecret, key: string, value: string, region: string): boolean {
  const attrs = attributes(secret, key, region);
  if (key === 'all') {
    return value
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w !== '')
      .every((word) => attrs.some((attr) => attr.includes(word)));
  }
  const needle = key === 'description' ? value.toLowerCase() : value;
  return attrs.some((attr) => attr.startsWith(needle));
}

/**
 * True when the secret passes every filter: within a filter, any plain value may match (prefix match);
 * values starting with `!` must all not match.
 */
export function matchesFilters(secret: StoredSecret, filters: readonly Filter[], region: string): boolean {
  return filters.every(({ key, values }) => {
    const negated = values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
    const plain = values.filter((v) => !v.startsWith('!'));
    if (negated.some((v) => valueMatches(secret, key, v, region))) return false;
    return plain.length === 0 || plain.some((v) => valueMatches(secret, key, v, region));
  });
}
