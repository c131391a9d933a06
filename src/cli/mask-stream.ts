import type { createMasker } from '../resolve/mask.js';
import {
  firstCharacters,
  longestSpelling,
  spellingsPattern,
  startsSpelling,
  type ValueSpellings,
  valueSpellings,
} from '../resolve/mask-forms.js';

/** Values shorter than this are not masked, as with `createMasker`'s default. */
const MIN_LENGTH = 4;

/**
 * A writer that masks `values` in a byte stream (a child's stdout or stderr) before `sink` gets it, as `op run`
 * does. It works on bytes (each byte one `latin1` character), so any output, UTF-8 or not, passes through
 * unchanged apart from the masked values; each value is matched by its UTF-8 bytes and by the escaped and
 * percent-encoded forms programs print (the library's {@link createMasker}). Output is written at once, except a
 * trailing part that could be the start of a value: it is held back until the next chunk (or the end) shows
 * whether it is one, so what is held never exceeds the longest form of a value; `end` writes what is held.
 */
export function createMaskingWriter(values: Iterable<string>, sink: (chunk: Uint8Array) => void) {
  const spelled: ValueSpellings[] = [];
  for (const value of new Set(values)) {
    if (value.length >= MIN_LENGTH) spelled.push(valueSpellings(value, 'bytes'));
  }
  const pattern = spellingsPattern(spelled);
  if (pattern === undefined) return { write: sink, end: () => undefined };
  const longest = Math.max(0, ...spelled.map(longestSpelling));
  const starts = firstCharacters(spelled);
  let pending = '';
  const emit = (text: string): void => {
    if (text !== '') sink(Buffer.from(text.replace(pattern, REPLACEMENT), 'latin1'));
  };
  return {
    write(chunk: Uint8Array): void {
      pending += Buffer.from(chunk).toString('latin1');
      const cut = holdFrom(pending, spelled, starts, longest, pattern);
      emit(pending.slice(0, cut));
      pending = pending.slice(cut);
    },
    end(): void {
      emit(pending);
      pending = '';
    },
  };
}

const REPLACEMENT = '****';

/**
 * Where to cut `text` so that what comes before can be masked and written now: the earliest position (among the
 * last `longest - 1`) from which the rest is the start of a value, moved back to the start of a whole value it
 * would otherwise split.
 */
function holdFrom(
  text: string,
  values: readonly ValueSpellings[],
  starts: ReadonlySet<string>,
  longest: number,
  pattern: RegExp,
): number {
  let cut = text.length;
  for (let position = Math.max(0, text.length - longest + 1); position < text.length; position += 1) {
    if (!starts.has(text.charAt(position))) continue;
    if (values.some((value) => startsSpelling(text, position, value))) {
      cut = position;
      break;
    }
  }
  if (cut === text.length) return cut;
  for (const match of text.matchAll(pattern)) {
    const end = match.index + match[0].length;
    if (match.index < cut && end > cut) return match.index;
    if (match.index >= cut) break;
  }
  return cut;
}
