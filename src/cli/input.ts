import { readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import { stringify } from 'lossless-json';
import pTimeout from 'p-timeout';
import { SecretRefError } from '../errors.js';
import { parseSecretJson } from '../ref/json-text.js';
import { type CliIo, CliUsageError } from './io.js';
import { systemReason } from './system-reason.js';

/** How an input is read: a JSON document, or any text (`.env`, YAML, a config template). */
type InputFormat = 'json' | 'text';

/** A document read from a file or standard input. */
type DocumentInput = { format: 'json'; value: unknown } | { format: 'text'; value: string };

/**
 * Reads a document from `file`, or from standard input when `file` is `-` or absent and stdin is not a terminal.
 * The format is `format` when given; otherwise JSON for a `.json` file or for content that starts (after
 * whitespace and a BOM) with `[`, or with `{` not followed by another `{`; anything else is text. Failures are usage
 * errors that name the source and, for bad JSON, the line and column — never the content.
 */
export async function readDocument(
  file: string | undefined,
  io: CliIo,
  format?: InputFormat,
  signal?: AbortSignal,
): Promise<DocumentInput> {
  const fromStdin = file === undefined || file === '-';
  if (file === undefined && io.stdin.isTTY === true) {
    throw new CliUsageError('no input: give a file, or pipe a file to standard input');
  }
  const source = fromStdin ? 'standard input' : file;
  let bytes: Uint8Array;
  try {
    // Standard input that never ends still gives way to the signal (it rejects with the signal's reason).
    bytes = fromStdin
      ? await pTimeout(buffer(io.stdin), { milliseconds: Number.POSITIVE_INFINITY, signal })
      : await readFile(file, { signal });
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === 'AbortError') throw error;
    throw new CliUsageError(
      `cannot read ${source}: ${systemReason((error as { code?: unknown } | null)?.code, 'read')}`,
    );
  }
  // The text is written back byte for byte outside its references (a byte-order mark included), so it must be
  // UTF-8: a byte that is not is refused, with where it is, rather than silently replaced.
  const text = decodeUtf8(bytes, source);
  const chosen = format ?? detectFormat(fromStdin ? undefined : file, text);
  if (chosen === 'text') return { format: 'text', value: text };
  const json = text.replace(/^\uFEFF/, '');
  if (json.trim() === '') throw new CliUsageError(`${source} is empty: expected a JSON value`);
  return { format: 'json', value: parseJsonDocument(json, source) };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    const { offset, before } = firstInvalidByte(bytes);
    const byte = (bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    throw new CliUsageError(
      `${source} is not UTF-8: byte 0x${byte} at offset ${offset} (${lineAndColumn(before, before.length)}); convert it first (iconv -f latin1 -t utf-8)`,
    );
  }
}

/** Where the first byte that does not belong to well-formed UTF-8 is, and the text before it. */
function firstInvalidByte(bytes: Uint8Array): { offset: number; before: string } {
  // The lenient decoder puts U+FFFD where each ill-formed sequence starts; one written in the input (EF BF BD) is
  // text, not a failure.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let offset = 0;
  let counted = 0;
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) {
    offset += Buffer.byteLength(text.slice(counted, at));
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) {
      return { offset, before: text.slice(0, at) };
    }
    offset += 3;
    counted = at + 1;
  }
  return { offset: bytes.length, before: text };
}

/**
 * The JSON document, every number kept as the text it was written with (`9007199254740993`, `1.10`, `1e2` are
 * written back as they are, never rounded); `JSON.parse` runs only on bad JSON, to say where it is bad.
 */
function parseJsonDocument(text: string, source: string): unknown {
  const parsed = parseSecretJson(text);
  if (parsed.ok) return parsed.value;
  try {
    JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(
      `${source} is not valid JSON${describePosition(text, error)} (--format text reads it as text)`,
    );
  }
  // Valid JSON that the parser cannot hold: the walker's own failure for input it refuses (exit 1).
  throw new SecretRefError(
    'invalid_input',
    `${source} nests too deeply to read (a few thousand levels at most)`,
  );
}

/**
 * A JSON document read by {@link readDocument} (and resolved) as text, 2-space indented, with a final newline:
 * each number exactly as the input wrote it.
 */
export function formatJsonDocument(value: unknown): string {
  return `${stringify(value, null, 2) ?? 'null'}\n`;
}

/** `line 3:12`: where `offset` sits in `text`, 1-based line and column, for reports on text input. */
export function lineAndColumn(text: string, offset: number): string {
  return `line ${position(text, offset).join(':')}`;
}

/** The 1-based line and column of `offset` in `text`. */
function position(text: string, offset: number): [line: number, column: number] {
  const before = text.slice(0, offset).split('\n');
  return [before.length, (before.at(-1)?.length ?? 0) + 1];
}

/**
 * `json` for a `.json` file name or JSON-looking content, else `text`. A text template may well start with `{{`
 * (a reference), which JSON never does.
 */
export function detectFormat(file: string | undefined, text: string): InputFormat {
  if (file !== undefined && /\.json$/i.test(file)) return 'json';
  const start = text.trimStart();
  if (start.startsWith('[')) return 'json';
  if (start.startsWith('{') && !start.startsWith('{{')) return 'json';
  return 'text';
}

/** ` (line 3, column 7)` from the offset in a `JSON.parse` message; the message itself may quote the input. */
function describePosition(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const match = /at position (\d+)/.exec(message);
  let offset: number | undefined;
  if (match?.[1] !== undefined) offset = Number(match[1]);
  else if (/unexpected end of JSON input/i.test(message)) offset = text.length;
  if (offset === undefined) return '';
  const [line, column] = position(text, offset);
  return ` (line ${line}, column ${column})`;
}
