import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFills, type Filled, type Fills } from '../../src/redis/fills.js';

/** One wait of a reader that watches `names` for that wait alone. */
function waitOnce(
  fills: Fills,
  names: string[],
  ms: number,
  signal: AbortSignal | undefined,
): Promise<Filled> {
  const watch = fills.watch(names);
  return watch.next(ms, signal).finally(() => watch.close());
}

afterEach(() => {
  vi.useRealTimers();
});

describe('readers waiting for a lease holder’s fill', () => {
  it('forget the values received before an invalidation, and still wake their readers (who then read Redis)', async () => {
    const fills = createFills();
    const watch = fills.watch(['a', 'b']);
    fills.filled('a', 'text-a');
    fills.invalidated();
    fills.filled('b', 'text-b');
    const filled = await watch.next(1_000, undefined);
    expect([...filled]).toEqual([
      ['a', undefined],
      ['b', 'text-b'],
    ]);
    watch.close();
  });

  it('wake when every awaited entry is filled, shortly after the first, at the poll time, or on abort', async () => {
    vi.useFakeTimers();
    const fills = createFills();
    const woke: string[] = [];
    void waitOnce(fills, ['a', 'b'], 1_000, undefined).then(() => woke.push('both'));
    fills.filled('a', undefined);
    fills.filled('b', undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(woke).toEqual(['both']);

    void waitOnce(fills, ['c', 'd'], 1_000, undefined).then(() => woke.push('grace'));
    fills.filled('c', undefined);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toEqual(['both']);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toEqual(['both', 'grace']);

    void waitOnce(fills, ['e'], 50, undefined).then(() => woke.push('poll'));
    fills.filled('other', undefined);
    await vi.advanceTimersByTimeAsync(50);
    expect(woke).toEqual(['both', 'grace', 'poll']);

    const controller = new AbortController();
    void waitOnce(fills, ['f'], 1_000, controller.signal).then(() => woke.push('abort'));
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
    void waitOnce(fills, ['a', 'b', 'c'], 1_000, undefined).then((filled) => (answer = filled));
    fills.filled('a', '7.sealed-a');
    fills.filled('b', undefined);
    fills.filled('not-awaited', '8.sealed');
    await vi.advanceTimersByTimeAsync(2);
    expect(answer && [...answer]).toEqual([
      ['a', '7.sealed-a'],
      ['b', undefined],
    ]);

    void waitOnce(fills, ['d'], 50, undefined).then((filled) => (answer = filled));
    await vi.advanceTimersByTimeAsync(50);
    expect(answer?.size).toBe(0);
  });

  it('keep the fills that come between two waits of one reader for its next wait, and none after it stops watching', async () => {
    vi.useFakeTimers();
    const fills = createFills();
    const watch = fills.watch(['a', 'b', 'c']);
    fills.filled('a', '1.sealed-a'); // while the reader reads Redis, say
    let answer: Filled | undefined;
    void watch.next(1_000, undefined).then((filled) => (answer = filled));
    await vi.advanceTimersByTimeAsync(2);
    expect(answer && [...answer]).toEqual([['a', '1.sealed-a']]);

    answer = undefined;
    void watch.next(1_000, undefined).then((filled) => (answer = filled));
    fills.filled('b', undefined);
    fills.filled('c', '2.sealed-c');
    await vi.advanceTimersByTimeAsync(0);
    // Every watched entry has been filled: the reader is woken at once, with what came since its last wait.
    expect(answer && [...answer]).toEqual([
      ['b', undefined],
      ['c', '2.sealed-c'],
    ]);

    watch.close();
    answer = undefined;
    fills.filled('a', '3.sealed-a');
    void watch.next(50, undefined).then((filled) => (answer = filled));
    await vi.advanceTimersByTimeAsync(50);
    expect((answer as Filled | undefined)?.size).toBe(0);
  });
});
