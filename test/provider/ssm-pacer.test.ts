import { describe, expect, it } from 'vitest';
import { BURST, createPacer, RATE } from '../../src/provider/aws/ssm/pacer.js';

describe("Parameter Store's pacing (40 calls a second per account and region)", () => {
  it('lets a burst go at once, then no one-second window holds more than 40 calls', async () => {
    expect(BURST + RATE).toBeLessThanOrEqual(40);
    const pacer = createPacer(RATE, BURST);
    const began = performance.now();
    const times = await Promise.all(
      Array.from({ length: 80 }, () => pacer.take().then(() => performance.now() - began)),
    );
    expect(times.filter((t) => t < 20)).toHaveLength(BURST);
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(40);
    }
    // 70 calls past the burst at 30 a second: about 2.3 s, not much more.
    expect(Math.max(...times)).toBeLessThan(3_000);
  });

  it('an aborted wait rejects and gives its token back', async () => {
    let clock = 0;
    const pacer = createPacer(10, 1, () => clock);
    await pacer.take();
    const controller = new AbortController();
    const waiting = pacer.take(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    clock = 100;
    await expect(pacer.take()).resolves.toBeUndefined();
  });
});
