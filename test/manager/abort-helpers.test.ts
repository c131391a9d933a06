import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { raceAbort, readSignal } from '../../src/abort.js';
import { SecretRefAbortError, SecretRefConfigError } from '../../src/errors.js';

describe('readSignal', () => {
  it('returns the signal of valid options, or undefined', () => {
    const { signal } = new AbortController();
    expect(readSignal(undefined)).toBeUndefined();
    expect(readSignal({})).toBeUndefined();
    expect(readSignal({ signal: undefined })).toBeUndefined();
    expect(readSignal({ signal })).toBe(signal);
    expect(readSignal({ signal: AbortSignal.timeout(1_000) })).toBeInstanceOf(AbortSignal);
  });

  it('throws a SecretRefConfigError naming `options` for options that are not an object', () => {
    for (const bad of [null, 0, 'x', true, Symbol('s')]) {
      expect(() => readSignal(bad)).toThrow(SecretRefConfigError);
      expect(() => readSignal(bad)).toThrow(
        expect.objectContaining({ option: 'options', code: 'invalid_config' }),
      );
    }
  });

  it('throws a SecretRefConfigError naming `signal` for a look-alike that is not an AbortSignal', () => {
    const lookAlikes = [
      { aborted: false, addEventListener() {} },
      { aborted: false, addEventListener() {}, removeEventListener() {}, reason: undefined },
      5,
      null,
      new AbortController(),
    ];
    for (const signal of lookAlikes) {
      expect(() => readSignal({ signal })).toThrow(expect.objectContaining({ option: 'signal' }));
    }
  });
});

describe('raceAbort', () => {
  it('keeps one listener on the signal and removes it when the promise settles', async () => {
    const { signal } = new AbortController();
    const raced = raceAbort(Promise.resolve('done'), signal);
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    await expect(raced).resolves.toBe('done');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('runs onAbort once and rejects with an AbortError when the signal fires first', async () => {
    const controller = new AbortController();
    let released = 0;
    const raced = raceAbort(new Promise(() => undefined), controller.signal, () => {
      released++;
    });
    controller.abort();
    controller.abort();
    await expect(raced).rejects.toBeInstanceOf(SecretRefAbortError);
    expect(released).toBe(1);
  });

  it('runs onAbort at once for a signal that has already fired', async () => {
    let released = 0;
    const raced = raceAbort(Promise.resolve(1), AbortSignal.abort(), () => {
      released++;
    });
    await expect(raced).rejects.toMatchObject({ name: 'AbortError', code: 'aborted' });
    expect(released).toBe(1);
  });

  it('settles, with no unhandled rejection, even when removing its listener throws', async () => {
    const broken = {
      aborted: false,
      addEventListener() {},
      removeEventListener() {
        throw new TypeError('removeEventListener is broken');
      },
    } as unknown as AbortSignal;
    await expect(raceAbort(Promise.resolve('value'), broken)).resolves.toBe('value');
    await expect(raceAbort(Promise.reject(new Error('failed')), broken)).rejects.toThrow('failed');
  });

  it('rejects with the AbortError even when onAbort throws', async () => {
    const controller = new AbortController();
    const raced = raceAbort(new Promise(() => undefined), controller.signal, () => {
      throw new Error('release failed');
    });
    controller.abort();
    await expect(raced).rejects.toMatchObject({ code: 'aborted' });
  });
});
