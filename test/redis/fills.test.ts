import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFills, type Filled } from '../../src/cache/shared/fills.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('readers waiting for a lease holder’s fill', () => {
  it('wake when every awaited entry is filled, shortly after the first, at the poll time, or on abort', async () => {
    vi.useFakeTimers();
    const fills = createFills();
    const woke: string[] = [];
    void fills.waitFor(['a', 'b'], 1_000, undefined).then(() => woke.push('both'));
    fills.filled('a', undefined);
    fills.filled('b', undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(woke).toEqual(['both']);

    void fills.waitFor(['c', 'd'], 1_000, undefined).then(() => woke.push('grace'));
    fills.filled('c', undefined);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toEqual(['both']);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toEqual(['both', 'grace']);

    void fills.waitFor(['e'], 50, undefined).then(() => woke.push('poll'));
    fills.filled('other', undefined);
    await vi.advanceTimersByTimeAsync(50);
    expect(woke).toEqual(['both', 'grace', 'poll']);

    const controller = new AbortController();
    void fills.waitFor(['f'], 1_000, controller.signal).then(() => woke.push('abort'));
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(woke).toEqual(['both', 'grace', 'poll', 'abort']);
    // Nothing left waiting: a late fill wakes no one and throws nothing.
    expect(() => fills.filled('f', undefined)).not.toThrow();
  });

  it('answer which entries were filled, with the text a message carried, and none at a poll', async () => {
    vi.useFakeTimers();
    const fills = createFills();
    let answer: Filled | undefined;
    void fills.waitFor(['a', 'b', 'c'], 1_000, undefined).then((filled) => (answer = filled));
    fills.filled('a', '7.sealed-a');
    fills.filled('b', undefined);
    fills.filled('not-awaited', '8.sealed');
    await vi.advanceTimersByTimeAsync(2);
    expect(answer && [...answer]).toEqual([
      ['a', '7.sealed-a'],
      ['b', undefined],
    ]);

    void fills.waitFor(['d'], 50, undefined).then((filled) => (answer = filled));
    await vi.advanceTimersByTimeAsync(50);
    expect(answer?.size).toBe(0);
  });
});
