import { SecretRefConfigError } from '../errors.js';
import { spellingsPattern, valueSpellings } from './mask-forms.js';
import { copyStrings } from './walk.js';

/**
 * Options of {@link createMasker}.
 * @example
 *   const options: MaskerOptions = { minLength: 6, replacement: '[redacted]' };
 *   const masker = createMasker(values, options);
 */
export interface MaskerOptions {
  /**
   * Values shorter than this are not masked: hiding every `1` or `on` in a log would ruin it and reveal little.
   * @default 4
   */
  minLength?: number;
  /**
   * The text written in place of each value.
   * @default '****'
   */
  replacement?: string;
}

/**
 * Hides known secret values in text before it is printed or logged, like `op run` does with its output. It holds
 * the values out of sight: `util.inspect(masker)` and `JSON.stringify(masker)` show only how many there are.
 * @example
 *   const masker: Masker = createMasker([password]);
 *   masker.maskValue({ url: `postgres://app:${password}@db` }); // { url: 'postgres://app:****@db' }
 */
export interface Masker {
  /** `text` with every occurrence of every value (longest first) replaced. */
  mask(text: string): string;
  /** A copy of `value` (plain objects and arrays at any depth) with {@link Masker.mask} applied to every string. */
  maskValue<T>(value: T): T;
  /** How many values are masked (after `minLength`). */
  readonly size: number;
}

/**
 * Builds a {@link Masker} for the given secret values. Besides each value as is, the forms programs commonly print
 * are masked too: the JSON escapes of Node, Go, Python, Java and PHP (`\"`, `\u0026`, `\u00e9`, `\/`) and
 * percent-encoding (`%C3%A9`). A value the program otherwise transforms (base64, hashing, slicing) is not.
 * @example
 *   const masker = createMasker([password]);
 *   process.stdout.write(masker.mask(`connecting with ${password}`)); // connecting with ****
 */
export function createMasker(values: Iterable<string>, options: MaskerOptions = {}): Masker {
  const minLength = options.minLength ?? 4;
  if (typeof minLength !== 'number' || !Number.isInteger(minLength) || minLength < 1) {
    throw new SecretRefConfigError('minLength', '`minLength` must be a positive integer');
  }
  const replacement = options.replacement ?? '****';
  if (typeof replacement !== 'string') {
    throw new SecretRefConfigError('replacement', '`replacement` must be a string');
  }
  const raw = new Set<string>();
  for (const value of values) if (typeof value === 'string' && value.length >= minLength) raw.add(value);
  // Compiled on first use: the masker of a settled resolve is often never used.
  let pattern: RegExp | undefined;
  const mask = (text: string): string => {
    if (raw.size === 0) return text;
    pattern ??= spellingsPattern([...raw].map((value) => valueSpellings(value, 'text')))!;
    return text.replace(pattern, () => replacement);
  };
  const size = raw.size;
  const masker: Masker = {
    mask,
    maskValue: <T>(value: T): T =>
      copyStrings(value, (text, _path, replace) => replace?.(mask(text)), {
        maxDepth: Number.POSITIVE_INFINITY,
      }).value as T,
    size,
  };
  Object.defineProperty(masker, 'toJSON', { value: () => ({ size }), enumerable: false });
  return Object.freeze(masker);
}
