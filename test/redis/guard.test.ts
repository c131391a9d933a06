import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGuard, TierUnavailable } from '../../src/cache/shared/guard.js';

afterEach(() => {
  vi.useRealTimers();
});

function setup(ready = () => true) {
  const events: string[] = [];
  let probeAnswers = false;
  const guard = createGuard({
    operationTimeoutMs: 100,
    backoffMs: 1_000,
    maxBackoffMs: 4_000,
    ready,
    probe: () => (probeAnswers ? Promise.resolve('PONG') : new Promise(() => {})),
    onProblem: (kind) => events.push(kind),
    onRecovered: () => events.push('replay'),
  });
  return { guard, events, answer: () => (probeAnswers = true) };
}

describe('the guard around Redis operations', () => {
  it('bounds a hanging operation, then skips Redis at once until a probe answers', async () => {
    vi.useFakeTimers();
    const { guard, events, answer } = setup();
    const hanging = guard.run(() => new Promise(() => {}));
    vi.advanceTimersByTime(100);
    await expect(hanging).rejects.toBeInstanceOf(TierUnavailable);
    expect(guard.skipping).toBe(true);
    let called = false;
    await expect(
      guard.run(async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(TierUnavailable);
    expect(called).toBe(false);
    // Probes that do not answer back off (1 s, 2 s, 4 s, 4 s…); the first that answers ends the skipping.
    await vi.advanceTimersByTimeAsync(1_500 + 100);
    expect(guard.skipping).toBe(true);
    answer();
    await vi.advanceTimersByTimeAsync(5_000 + 100);
    expect(guard.skipping).toBe(false);
    expect(events).toEqual(['unavailable', 'recovered', 'replay']);
    await expect(guard.run(async () => 'ok')).resolves.toBe('ok');
    guard.close();
  });

  it('fails at once, without sending, when the client is not ready; a rejection is not unhandled', async () => {
    const { guard, events } = setup(() => false);
    let sent = false;
    await expect(
      guard.run(async () => {
        sent = true;
      }),
    ).rejects.toBeInstanceOf(TierUnavailable);
    expect(sent).toBe(false);
    expect(events).toEqual(['unavailable']);
    guard.close();
  });

  it('passes an operation’s own failure on, and counts it as Redis being unavailable', async () => {
    const { guard } = setup();
    await expect(guard.run(() => Promise.reject(new Error('WRONGTYPE')))).rejects.toThrow('WRONGTYPE');
    expect(guard.skipping).toBe(true);
    guard.close();
  });
});
