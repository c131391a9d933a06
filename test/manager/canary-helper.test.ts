import { describe, expect, it } from 'vitest';
import { CANARY, expectNoCanary, findCanary } from '../support/canary.js';

describe('expectNoCanary (test helper)', () => {
  it('passes for clean values', () => {
    expect(() => expectNoCanary(new Error('Secret "db" was not found'))).not.toThrow();
    expect(() => expectNoCanary({ a: [1, 'two'] })).not.toThrow();
  });

  it.each([
    ['message', new Error(`bad ${CANARY}`)],
    ['cause chain', new Error('outer', { cause: new Error('mid', { cause: { value: CANARY } }) })],
    ['aggregate', new AggregateError([new Error('ok'), new Error(CANARY)], 'many')],
    ['own property', Object.assign(new Error('plain'), { input: CANARY })],
    ['nested object', { deep: { deeper: { deepest: [{ value: CANARY }] } } }],
    ['plain string', `x${CANARY}x`],
  ])('finds the canary in a %s', (_where, value) => {
    expect(findCanary(value).length).toBeGreaterThan(0);
    expect(() => expectNoCanary(value)).toThrow(/secret value leaked/);
  });

  it('survives cycles and throwing getters', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    Object.defineProperty(cyclic, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(() => expectNoCanary(cyclic)).not.toThrow();
  });
});
