import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGuard, TierUnavailable } from '../../src/redis/guard.js';

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
    hanging.catch(() => {});
    // The bound, then one turn of the loop (answers already read are taken first).
    await vi.advanceTimersByTimeAsync(101);
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

  it('does not count against Redis the time this process’s own event loop was blocked', async () => {
    const { guard, events } = setup();
    // Redis answers 250 ms after the call; the process is busy for the first 200 ms of them (bound: 100 ms).
    const answered = guard.run(() => new Promise((resolve) => setTimeout(() => resolve('PONG'), 250)));
    const busyUntil = Date.now() + 200;
    while (Date.now() < busyUntil) {
      // the process's own work, as a thousand reads begun in one tick would be
    }
    await expect(answered).resolves.toBe('PONG');
    expect(guard.skipping).toBe(false);
    expect(events).toEqual([]);
    // A Redis that does not answer while the process is free is still bounded.
    await expect(guard.run(() => new Promise(() => {}))).rejects.toBeInstanceOf(TierUnavailable);
    guard.close();
  });

  it('lets an operation queued behind the client’s other commands wait while Redis answers them, up to four bounds', async () => {
    const answers = { at: 0 };
    const guard = createGuard({
      operationTimeoutMs: 100,
      backoffMs: 1_000,
      maxBackoffMs: 4_000,
      ready: () => true,
      probe: () => Promise.resolve('PONG'),
      onProblem: () => {},
      onRecovered: () => {},
      answers,
    });
    // Four commands sent together on one connection, answered one after another every 80 ms (a process's own
    // burst): the last waits 320 ms, more than its bound, while Redis answered every 80 ms.
    const answeredAt = [80, 160, 240, 320];
    const burst = answeredAt.map((ms) =>
      guard.run(() => new Promise((resolve) => setTimeout(() => resolve(ms), ms))),
    );
    await expect(Promise.all(burst)).resolves.toEqual(answeredAt);
    expect(guard.skipping).toBe(false);
    // A command never answered, while Redis answers others: given up after four bounds, not waited on for ever.
    const others = setInterval(() => guard.run(() => Promise.resolve('PONG')).catch(() => {}), 30);
    const started = Date.now();
    await expect(guard.run(() => new Promise(() => {}))).rejects.toBeInstanceOf(TierUnavailable);
    clearInterval(others);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(Date.now() - started).toBeLessThan(1_000);
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
