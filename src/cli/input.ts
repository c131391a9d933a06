import { readFile } from 'node:fs/promises';
import { type CliIo, CliUsageError } from './io.js';

/** A JSON document read from a file or standard input, with a label naming where it came from. */
export interface JsonInput {
  value: unknown;
  /** `connection.json` or `standard input`, for messages. */
  source: string;
}

/**
 * Reads and parses JSON from `file`, or from standard input when `file` is `-` or absent and stdin is not a terminal.
 * Failures are usage errors that name the source and, for bad JSON, the line and column — never the content.
 */
export async function readJsonInput(file: string | undefined, io: CliIo): Promise<JsonInput> {
  const fromStdin = file === undefined || file === '-';
  if (file === undefined && io.stdin.isTTY === true) {
    throw new CliUsageError('no input: give a JSON file, or pipe JSON to standard input');
  }
  const source = fromStdin ? 'standard input' : file;
  let text: string;
  try {
    text = fromStdin ? await readStream(io.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read ${source}: ${describeReadError(error)}`);
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new CliUsageError(`${source} is empty: expected a JSON value`);
  try {
    return { value: JSON.parse(text), source };
  } catch (error) {
    throw new CliUsageError(`${source} is not valid JSON${describePosition(text, error)}`);
  }
}

async function readStream(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

function describeReadError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return typeof code === 'string' ? code : 'read failed';
}

/** ` (line 3, column 7)` from the offset in a `JSON.parse` message; the message itself may quote the input. */
function describePosition(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const match = /at position (\d+)/.exec(message);
  let offset: number | undefined;
  if (match?.[1] !== undefined) offset = Number(match[1]);
  else if (/unexpected end of JSON input/i.test(message)) offset = text.length;
  if (offset === undefined) return '';
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;
  return ` (line ${line}, column ${column})`;
}
