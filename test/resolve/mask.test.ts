import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretRefConfigError } from '../../src/errors.js';
import { createMasker } from '../../src/resolve/mask.js';
import { CANARY, expectNoCanary } from '../support/canary.js';

describe('createMasker', () => {
  it('replaces every occurrence of every value, longest first', () => {
    const masker = createMasker(['abcd', 'abcdefgh']);
    expect(masker.mask('x abcdefgh y abcd z abcdabcd')).toBe('x **** y **** z ********');
    expect(masker.size).toBe(2);
  });

  it('treats values as text, not as patterns', () => {
    const masker = createMasker(['a.b*c(d)[e]{f}|g$^\\']);
    expect(masker.mask('see a.b*c(d)[e]{f}|g$^\\ and aXbbc')).toBe('see **** and aXbbc');
  });

  it('ignores values shorter than `minLength` (4 by default) and honours `replacement`', () => {
    expect(createMasker(['abc', 'on']).mask('abc on')).toBe('abc on');
    expect(createMasker(['abc'], { minLength: 3 }).mask('abc on')).toBe('**** on');
    expect(createMasker(['s3cret'], { replacement: '<redacted>' }).mask('pw=s3cret')).toBe('pw=<redacted>');
    expect(createMasker(['abc', 'on']).size).toBe(0);
  });

  it('hides a value holding quotes or newlines in JSON output too', () => {
    const value = `line1\n"quoted"\\${CANARY}`;
    const masker = createMasker([value]);
    const json = JSON.stringify({ token: value });
    expect(masker.mask(json)).toBe('{"token":"****"}');
    expect(masker.mask(value)).toBe('****');
    expect(masker.size).toBe(1);
  });

  it('hides the JSON escapes of Go, Python, Java and PHP and percent-encoding, in either case of hex', () => {
    const value = 'Xy&<9>/é"Qw 😀';
    const masker = createMasker([value]);
    const printed = [
      'Xy\\u0026\\u003c9\\u003e/é\\"Qw 😀', // Go encoding/json
      'Xy&<9>/\\u00e9\\"Qw \\ud83d\\ude00', // Python json.dumps (ensure_ascii)
      'Xy&<9>\\/\\u00E9\\"Qw \\uD83D\\uDE00', // PHP json_encode, upper-case hex
      'Xy\\u0026\\u003c9\\u003e/é\\u0022Qw 😀', // Gson-style, every mark escaped
      encodeURIComponent(value),
      encodeURIComponent(value)
        .replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())
        .replace('%20', '+'),
    ];
    for (const text of printed) expect(masker.mask(`<${text}>`)).toBe('<****>');
    // A value the program transforms is not recognised.
    expect(masker.mask(Buffer.from(value).toString('base64'))).not.toBe('****');
  });

  it('masks every string of an object without changing it', () => {
    const masker = createMasker([CANARY]);
    const date = new Date(0);
    const input = { headers: [{ value: `Bearer ${CANARY}` }], date, n: 1 };
    const out = masker.maskValue(input);
    expect(out).toEqual({ headers: [{ value: 'Bearer ****' }], date, n: 1 });
    expect(input.headers[0]?.value).toBe(`Bearer ${CANARY}`);
    expect(masker.maskValue(`x ${CANARY}`)).toBe('x ****');
  });

  it('leaves text as is when it has no values', () => {
    expect(createMasker([]).mask('nothing {{here}}')).toBe('nothing {{here}}');
  });

  it('keeps the values out of util.inspect and JSON.stringify', () => {
    const masker = createMasker([CANARY]);
    expect(JSON.stringify(masker)).toBe('{"size":1}');
    expect(inspect(masker, { showHidden: true, depth: Number.POSITIVE_INFINITY })).not.toContain(CANARY);
    expectNoCanary(masker);
    expect(Object.isFrozen(masker)).toBe(true);
  });

  it('rejects bad options with SecretRefConfigError naming the option', () => {
    expect(() => createMasker([], { minLength: 0 })).toThrow(SecretRefConfigError);
    expect(() => createMasker([], { minLength: 0 })).toThrow(/`minLength`/);
    expect(() => createMasker([], { replacement: 1 as unknown as string })).toThrow(/`replacement`/);
  });
});
