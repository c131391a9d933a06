/**
 * AWS version ids are lowercase UUIDs, 36 characters (a 56-byte string in V8). A cache entry keeps such an id as
 * its 16 bytes, one character each (a 32-byte string), and spells it out again when it is read — on a fetch or an
 * event, never on a warm read. Any other id is kept as it is.
 */
/** Where the dashes go, in hex digits from the start. */
const DASHES = new Set([8, 12, 16, 20]);

const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The value of a lowercase hex digit's code, or -1. */
function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** The 16-character form of a lowercase UUID; `undefined` for any other id. */
export function packVersionId(id: string | undefined): string | undefined {
  if (id === undefined || id.length !== 36) return undefined;
  const bytes = new Array<number>(16);
  let at = 0;
  for (let byte = 0; byte < 16; byte++) {
    if (at === 8 || at === 13 || at === 18 || at === 23) {
      if (id.charCodeAt(at) !== 45) return undefined;
      at++;
    }
    const high = hexDigit(id.charCodeAt(at));
    const low = hexDigit(id.charCodeAt(at + 1));
    if (high < 0 || low < 0) return undefined;
    bytes[byte] = high * 16 + low;
    at += 2;
  }
  return String.fromCharCode.apply(null, bytes);
}

/** The UUID a {@link packVersionId} form stands for. */
export function unpackVersionId(packed: string): string {
  let id = '';
  for (let at = 0; at < packed.length; at++) {
    if (DASHES.has(at * 2)) id += '-';
    id += HEX_PAIRS[packed.charCodeAt(at)]!;
  }
  return id;
}
