import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSecretRef } from '../../src/ref/format.js';
import { isParsedRef } from '../../src/ref/parsed-ref.js';
import { scanSecretRefs } from '../../src/ref/scan.js';
import { validateSecretRef } from '../../src/ref/validate.js';
import { SCAN_MEMO_MAX_LENGTH, SCAN_MEMO_SIZE, scanSecretRefsMemo } from '../../src/resolve/scan-memo.js';

const ref = (id: string, key = 'password'): string => `{{resolve:secretsmanager:${id}:SecretString:${key}}}`;

const NAME = fc.string({ unit: fc.constantFrom(...'abcXYZ019/_+=.@-!'), minLength: 1, maxLength: 30 });
const KEY = fc.string({ unit: fc.constantFrom(...'abc019_.-'), minLength: 1, maxLength: 12 });
const TEXT = fc.string({ maxLength: 20 });

describe('scanSecretRefsMemo', () => {
  it('returns what a fresh scan returns, for any text around well-formed references', () => {
    fc.assert(
      fc.property(TEXT, NAME, KEY, TEXT, fc.boolean(), (before, name, key, after, activepieces) => {
        const reference = activepieces
          ? formatSecretRef({ manager: 'conn1', secretId: name, jsonKey: key }, { style: 'activepieces' })
          : ref(name, key);
        const text = `${before}${reference}${after}`;
        expect(scanSecretRefsMemo(text)).toStrictEqual(scanSecretRefs(text));
        expect(scanSecretRefsMemo(text)).toStrictEqual(scanSecretRefs(text));
      }),
    );
  });

  it('remembers a text from its second scan on, and returns the same frozen result, which no caller can change', () => {
    const text = `postgres://app:${ref('memo/frozen')}@db`;
    const once = scanSecretRefsMemo(text);
    // Met once: a plain scan of its own, neither frozen nor marked (nothing shares it).
    expect(Object.isFrozen(once)).toBe(false);
    expect(Object.isFrozen(once[0]?.ref)).toBe(false);
    expect(isParsedRef(once[0]?.ref)).toBe(false);
    expect(once).toStrictEqual(scanSecretRefs(text));
    const first = scanSecretRefsMemo(text);
    expect(isParsedRef(first[0]?.ref)).toBe(true);
    expect(first).not.toBe(once);
    expect(first).toStrictEqual(once);
    expect(scanSecretRefsMemo(text)).toBe(first);
    const [match] = first;
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(match)).toBe(true);
    expect(Object.isFrozen(match?.ref)).toBe(true);
    expect(() => {
      (match!.ref as { secretId: string }).secretId = 'other';
    }).toThrow(TypeError);
    expect(() => {
      (first as unknown as unknown[]).push('x');
    }).toThrow(TypeError);
    expect(scanSecretRefsMemo(text)).toStrictEqual(scanSecretRefs(text));
    expect(match?.ref).toEqual({ secretId: 'memo/frozen', jsonKey: 'password' });
  });

  it('is bounded: a text is forgotten after enough other texts, and then scanned again', () => {
    const text = ref('memo/evicted');
    scanSecretRefsMemo(text);
    const first = scanSecretRefsMemo(text);
    expect(scanSecretRefsMemo(text)).toBe(first);
    for (let i = 0; i <= 2 * SCAN_MEMO_SIZE; i++) {
      scanSecretRefsMemo(ref(`memo/filler-${i}`));
      scanSecretRefsMemo(ref(`memo/filler-${i}`));
    }
    const again = scanSecretRefsMemo(text);
    expect(again).not.toBe(first);
    expect(again).toStrictEqual(first);
  });

  it('admits a text on second sight only, so a stream of texts seen once never evicts the remembered ones', () => {
    const kept = ref('memo/kept');
    scanSecretRefsMemo(kept);
    const remembered = scanSecretRefsMemo(kept);
    for (let i = 0; i <= 4 * SCAN_MEMO_SIZE; i++) scanSecretRefsMemo(ref(`memo/once-${i}`));
    expect(scanSecretRefsMemo(kept)).toBe(remembered);
    const once = ref('memo/seen-once');
    expect(scanSecretRefsMemo(once)).not.toBe(scanSecretRefsMemo(once));
  });

  it('scans anew a text holding a malformed reference, so each caller gets its own error', () => {
    const text = 'x {{resolve:secretsmanager:}} y';
    const first = scanSecretRefsMemo(text);
    const second = scanSecretRefsMemo(text);
    expect(first[0]?.error).toBeDefined();
    expect(second).not.toBe(first);
    expect(second[0]?.error).not.toBe(first[0]?.error);
    expect(Object.isFrozen(first)).toBe(false);
    const third = scanSecretRefsMemo(text);
    expect(third).not.toBe(second);
    expect(Object.isFrozen(third)).toBe(false);
  });

  it('never memoises nor marks a text with a malformed reference beside a good one, however often it comes', () => {
    const text = `${ref('memo/good')} {{resolve:secretsmanager:bad name}}`;
    const results = Array.from({ length: 4 }, () => scanSecretRefsMemo(text));
    for (const [index, result] of results.entries()) {
      expect(result).toStrictEqual(scanSecretRefs(text));
      expect(result[1]?.error?.code).toBe('invalid_reference');
      expect(Object.isFrozen(result)).toBe(false);
      expect(isParsedRef(result[0]?.ref)).toBe(false);
      if (index > 0) expect(result).not.toBe(results[index - 1]);
    }
  });

  it('does not keep texts longer than SCAN_MEMO_MAX_LENGTH', () => {
    const text = `${ref('memo/long')}${' '.repeat(SCAN_MEMO_MAX_LENGTH)}`;
    const first = scanSecretRefsMemo(text);
    expect(scanSecretRefsMemo(text)).not.toBe(first);
    expect(first).toStrictEqual(scanSecretRefs(text));
  });

  it('answers texts without references, and non-strings, with an empty frozen list', () => {
    for (const text of ['plain', '{{step_1.output}}', 42 as unknown as string]) {
      const found = scanSecretRefsMemo(text);
      expect(found).toEqual([]);
      expect(Object.isFrozen(found)).toBe(true);
    }
  });
});

describe('isParsedRef', () => {
  it('is true only for the frozen references of the memo', () => {
    const text = ref('memo/trusted');
    const [once] = scanSecretRefsMemo(text);
    const [memoised] = scanSecretRefsMemo(text);
    const [fresh] = scanSecretRefs(text);
    expect(isParsedRef(once?.ref)).toBe(false);
    expect(isParsedRef(memoised?.ref)).toBe(true);
    expect(isParsedRef(fresh?.ref)).toBe(false);
    expect(isParsedRef({ ...memoised?.ref })).toBe(false);
    expect(isParsedRef(null)).toBe(false);
    expect(isParsedRef('db')).toBe(false);
  });

  it('marks only references that validateSecretRef accepts unchanged, so skipping it changes nothing', () => {
    fc.assert(
      fc.property(NAME, fc.option(KEY, { nil: undefined }), (name, key) => {
        const text = key === undefined ? `{{resolve:secretsmanager:${name}}}` : ref(name, key);
        // The first sight is not marked (a manager validates it); the second is admitted and marked.
        for (const match of scanSecretRefsMemo(text))
          expect(validateSecretRef(match.ref)).toStrictEqual(match.ref);
        for (const match of scanSecretRefsMemo(text)) {
          expect(isParsedRef(match.ref)).toBe(true);
          expect(validateSecretRef(match.ref)).toStrictEqual(match.ref);
        }
      }),
    );
  });
});
