/** Strings quoted in messages: short, lowercase, region-like. Anything else could be a key pasted in the wrong field. */
const QUOTABLE = /^[a-z0-9-]{1,20}$/;

/**
 * Names a rejected option value in a message: numbers and short region-like strings as they are, other strings by
 * their length only (a secret key pasted into `region` must not end up in a log), anything else by its type.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === 'string') {
    return QUOTABLE.test(value) ? JSON.stringify(value) : `a string of ${value.length} characters`;
  }
  return typeOf(value);
}

/** How a bad option value is named in messages, without quoting anything long. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
