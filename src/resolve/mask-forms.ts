/**
 * How a secret value can appear in a program's output: as is, or with any of its characters written the way common
 * encoders write them — the JSON escapes of Node, Go (`\u0026 \u003c \u003e`), Python's `ensure_ascii` (`\u00e9`),
 * Java's Gson (`\u003d \u0027`), PHP (`\/`), and percent-encoding (`%C3%A9`, `+` for a space). Each character of a
 * value becomes a set of spellings, so one pattern matches every encoder's output (and their mixtures) at once.
 */

/** One way to write one character; `fold`: compared without case (the hex digits of an escape). */
interface Spelling {
  text: string;
  fold: boolean;
}

/** A value as the spellings of each of its characters, in order. */
export type ValueSpellings = readonly (readonly Spelling[])[];

/**
 * Whether the text being masked is a JavaScript string (`'text'`) or bytes read as `latin1`, one character a byte
 * (`'bytes'`: a child's output, which need not be UTF-8). It decides how a character is written as is.
 */
type MaskUnit = 'text' | 'bytes';

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * Characters no encoder escapes: letters, digits and `-_.` (`~`, although URI-unreserved, is percent-encoded by
 * PHP's `urlencode`, Java's `URLEncoder` and JavaScript's `escape`).
 */
const PLAIN = /^[A-Za-z0-9\-_.]$/;

/** The spellings of each character of `value`. */
export function valueSpellings(value: string, unit: MaskUnit): ValueSpellings {
  const out: Spelling[][] = [];
  for (const char of value) {
    const utf8 = Buffer.from(char, 'utf8');
    const spellings: Spelling[] = [{ text: unit === 'bytes' ? utf8.toString('latin1') : char, fold: false }];
    if (!PLAIN.test(char)) {
      const short = SHORT_ESCAPES[char];
      if (short !== undefined) spellings.push({ text: short, fold: false });
      let escaped = '';
      for (let index = 0; index < char.length; index += 1) {
        escaped += `\\u${char.charCodeAt(index).toString(16).padStart(4, '0')}`;
      }
      spellings.push({ text: escaped, fold: true });
      spellings.push({
        text: [...utf8].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''),
        fold: true,
      });
      if (char === ' ') spellings.push({ text: '+', fold: false });
    }
    out.push(spellings);
  }
  return out;
}

/** The longest text any spelling of the value takes. */
export function longestSpelling(value: ValueSpellings): number {
  let total = 0;
  for (const spellings of value) total += Math.max(...spellings.map((spelling) => spelling.text.length));
  return total;
}

/** A global pattern matching any spelling of any of the values, longer values tried first. */
export function spellingsPattern(values: readonly ValueSpellings[]): RegExp | undefined {
  if (values.length === 0) return undefined;
  const sources = [...values]
    .sort((a, b) => b.length - a.length)
    .flatMap(backslashVariants)
    .map((value) =>
      value
        .map((spellings) =>
          spellings.length === 1
            ? source(spellings[0] as Spelling)
            : `(?:${spellings.map(source).join('|')})`,
        )
        .join(''),
    );
  return new RegExp(sources.join('|'), 'g');
}

/**
 * A backslash written as is is the start of its escapes (`\\`, `\u005c`): in one pattern, a run of backslashes
 * would parse in exponentially many ways, and a failing match would take minutes. No encoder writes one backslash
 * as is and another escaped, so a value holding one is matched twice: every backslash as is, or every one escaped.
 */
function backslashVariants(value: ValueSpellings): ValueSpellings[] {
  const isBackslash = (spellings: readonly Spelling[]): boolean => spellings[0]?.text === '\\';
  if (!value.some(isBackslash)) return [value];
  return [
    value.map((spellings) => (isBackslash(spellings) ? spellings.slice(0, 1) : spellings)),
    value.map((spellings) => (isBackslash(spellings) ? spellings.slice(1) : spellings)),
  ];
}

function source({ text, fold }: Spelling): string {
  const escaped = text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  return fold ? escaped.replace(/[a-f]/g, (hex) => `[${hex}${hex.toUpperCase()}]`) : escaped;
}

/**
 * Whether `text` from `from` to its end is the beginning of some spelling of `value` (and not a whole one): that
 * part must be held back until more output shows whether the value follows.
 */
export function startsSpelling(text: string, from: number, value: ValueSpellings): boolean {
  // The (position, character) pairs already found to lead nowhere: without them a run of backslashes (each one a
  // character, or half of an escaped one) is walked in exponentially many ways.
  const dead = new Set<number>();
  const walk = (position: number, index: number): boolean => {
    const spellings = value[index];
    if (spellings === undefined) return false;
    const state = position * (value.length + 1) + index;
    if (dead.has(state)) return false;
    for (const spelling of spellings) {
      const length = spelling.text.length;
      const rest = text.length - position;
      if (!samePrefix(text, position, spelling, Math.min(length, rest))) continue;
      if (rest <= length) {
        if (rest < length || index + 1 < value.length) return true;
        continue;
      }
      if (walk(position + length, index + 1)) return true;
    }
    dead.add(state);
    return false;
  };
  return from < text.length && walk(from, 0);
}

function samePrefix(text: string, position: number, spelling: Spelling, count: number): boolean {
  for (let index = 0; index < count; index += 1) {
    let code = text.charCodeAt(position + index);
    if (spelling.fold && code >= 0x41 && code <= 0x5a) code += 0x20;
    if (code !== spelling.text.charCodeAt(index)) return false;
  }
  return true;
}

/** The characters any spelling of any of the values begins with (both cases where case does not matter). */
export function firstCharacters(values: readonly ValueSpellings[]): Set<string> {
  const first = new Set<string>();
  for (const value of values) {
    for (const spelling of value[0] ?? []) {
      const char = spelling.text.charAt(0);
      first.add(char);
      if (spelling.fold) first.add(char.toUpperCase());
    }
  }
  return first;
}

/**
 * The strings inside a JSON object or array (at any depth, keys excluded): the parts a program may print of a
 * secret referenced whole. Nothing for text that is not JSON or is a lone JSON value.
 * @example
 *   jsonStringLeaves('{"user":"app","password":"pw-1234"}'); // ['app', 'pw-1234']
 */
export function jsonStringLeaves(text: string): string[] {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const leaves: string[] = [];
  const stack: unknown[] = [parsed];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') leaves.push(item);
    else if (item !== null && typeof item === 'object')
      for (const child of Object.values(item)) stack.push(child);
  }
  return leaves;
}
