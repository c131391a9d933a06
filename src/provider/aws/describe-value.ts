/**
 * Names a rejected option value in a message: numbers and short strings as they are, anything else by its type.
 * Never used for credential options, whose values are never quoted.
 * @example
 *   describeValue(2.5); // '2.5'
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeOf(value);
}

/** How a bad option value is named in messages, without quoting anything long. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
