import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

describe('createProgress', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function terminal() {
    const chunks: string[] = [];
    return { stderr: { isTTY: true, write: (chunk: string) => chunks.push(chunk) }, chunks };
  }

  it('counts whole seconds even when its timer fires a millisecond before the clock shows one', () => {
    const { stderr, chunks } = terminal();
    const progress = createProgress(stderr, 'checking references');
    progress.start();
    // Timers and the wall clock are separate sources: move the clock back 1 ms so the first tick sees 999 ms.
    vi.setSystemTime(Date.now() - 1);
    vi.advanceTimersByTime(1_000);
    expect(chunks).toEqual(['\r\x1b[Ksecret-refs: checking references… 1 s']);
    vi.advanceTimersByTime(1_000);
    expect(chunks.at(-1)).toBe('\r\x1b[Ksecret-refs: checking references… 2 s');
    progress.stop();
    expect(chunks.at(-1)).toBe('\r\x1b[K');
  });

  it('draws nothing for a run stopped within its first second, and nothing after stop', () => {
    const { stderr, chunks } = terminal();
    const progress = createProgress(stderr, 'checking references');
    progress.start();
    vi.advanceTimersByTime(900);
    progress.stop();
    vi.advanceTimersByTime(5_000);
    progress.start();
    vi.advanceTimersByTime(5_000);
    expect(chunks).toEqual([]);
  });
});
