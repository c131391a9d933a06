/**
 * The canonical text of a connection's settings, for {@link createManagerRegistry} to digest: plain objects with
 * their keys sorted, arrays, strings, numbers, booleans, `null`, bytes and dates by content; functions, class
 * instances (an injected client, a credential provider) and other objects by identity, so the same object twice
 * compares equal and another one does not. Settings holding a cycle are refused.
 * @internal
 */
export function settingsText(settings: unknown): string {
  const parts: string[] = [];
  write(settings, parts, new Set());
  return parts.join('');
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

function identityOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = ++nextIdentity;
    identities.set(value, id);
  }
  return id;
}

function write(value: unknown, parts: string[], open: Set<object>): void {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') parts.push(`f${identityOf(value)};`);
    else if (typeof value === 'string') parts.push(`s${value.length}:${value}`);
    else if (typeof value === 'symbol') parts.push(`y${String(value.description)};`);
    else parts.push(`${typeof value}:${String(value)};`);
    return;
  }
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    parts.push(`b${bytes.length}:${Buffer.from(bytes).toString('base64')}`);
    return;
  }
  if (value instanceof Date) {
    parts.push(`d${value.getTime()};`);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && proto !== Object.prototype && proto !== null) {
    parts.push(`o${identityOf(value)};`);
    return;
  }
  if (open.has(value)) throw new TypeError('connection settings must not hold a cycle');
  open.add(value);
  if (isArray) {
    parts.push(`[${value.length}:`);
    for (const item of value) write(item, parts, open);
    parts.push(']');
  } else {
    const keys = Object.keys(value).sort();
    parts.push(`{${keys.length}:`);
    for (const key of keys) {
      parts.push(`k${key.length}:${key}`);
      write((value as Record<string, unknown>)[key], parts, open);
    }
    parts.push('}');
  }
  open.delete(value);
}
