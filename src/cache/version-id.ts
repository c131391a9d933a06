/**
 * AWS version ids are lowercase UUIDs, 36 characters (a 56-byte string in V8). A cache entry keeps such an id as
 * its 16 bytes, one character each (a 32-byte string), and spells it out again when it is read — on a fetch or an
 * event, never on a warm read. Any other id is kept as it is.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Where the dashes go, in hex digits from the start. */
const DASHES = new Set([8, 12, 16, 20]);

const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The 16-character form of a lowercase UUID; `undefined` for any other id. */
export function packVersionId(id: string | undefined): string | undefined {
  if (id === undefined || id.length !== 36 || !UUID.test(id)) return undefined;
  const hex = id.replaceAll('-', '');
  const bytes: number[] = [];
  for (let at = 0; at < 32; at += 2) bytes.push(Number.parseInt(hex.slice(at, at + 2), 16));
  return String.fromCharCode(...bytes);
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
