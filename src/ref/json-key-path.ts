/** One step of a nested JSON key path: an object key or an array index. */
export type JsonKeyPathSegment = string | number;

function readQuoted(path: string, start: number): { value: string; end: number } | undefined {
  let i = start + 1;
  while (i < path.length) {
    const code = path.charCodeAt(i);
    if (code === 92 /* \ */) i += 2;
    else if (code === 34 /* " */) break;
    else i++;
  }
  if (i >= path.length) return undefined;
  try {
    const value: unknown = JSON.parse(path.slice(start, i + 1));
    return typeof value === 'string' ? { value, end: i + 1 } : undefined;
  } catch {
    // The path is the caller's: a quoted key with a bad escape is not a key.
    return undefined;
  }
}

function readIndex(path: string, start: number): { value: number; end: number } | undefined {
  let i = start;
  while (i < path.length && path.charCodeAt(i) >= 48 && path.charCodeAt(i) <= 57) i++;
  const digits = path.slice(start, i);
  if (digits === '' || (digits.length > 1 && digits.startsWith('0'))) return undefined;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? { value, end: i } : undefined;
}

function readName(path: string, start: number): { value: string; end: number } | undefined {
  let i = start;
  while (i < path.length) {
    const char = path[i];
    if (char === '.' || char === '[') break;
    if (char === ']') return undefined;
    i++;
  }
  return i === start ? undefined : { value: path.slice(start, i), end: i };
}

/**
 * Splits a nested JSON key path into its steps: `db.hosts[0]` → `['db', 'hosts', 0]`.
 *
 * A name runs until `.` or `[`; `[n]` is an array index (no leading zeros); a key holding `.`, `[` or `]` is
 * written as a JSON string in brackets: `db["a.b"]`, `["x[1]"].y`. Returns `undefined` for text that is not a
 * path (empty, `a..b`, `a[`, `a.`, `a[01]`, `a['b']`).
 */
export function parseJsonKeyPath(path: string): JsonKeyPathSegment[] | undefined {
  const segments: JsonKeyPathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const char = path[i];
    let step: { value: JsonKeyPathSegment; end: number } | undefined;
    if (char === '[') {
      step = path[i + 1] === '"' ? readQuoted(path, i + 1) : readIndex(path, i + 1);
      if (step === undefined || path[step.end] !== ']') return undefined;
      step.end++;
    } else if (char === '.') {
      if (segments.length === 0) return undefined;
      step = readName(path, i + 1);
    } else {
      if (segments.length !== 0) return undefined;
      step = readName(path, i);
    }
    if (step === undefined) return undefined;
    segments.push(step.value);
    i = step.end;
  }
  return segments.length === 0 ? undefined : segments;
}
