import { describe, expect, it } from 'vitest';
import { createCacheStore } from '../../src/cache/store.js';

describe('createCacheStore: flights', () => {
  it('gives each request an internal signal without a listener limit (sub-requests may share it)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const store = createCacheStore(undefined);
      const { flight } = store.begin(['a', 'b']);
      for (let index = 0; index < 50; index++)
        flight.controller.signal.addEventListener('abort', () => undefined);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('aborts and forgets a request only when its last reader leaves', () => {
    const store = createCacheStore(undefined);
    const { flight, running } = store.begin(['a', 'b']);
    void store.join(running[0]!);
    void store.join(running[1]!);
    void store.join(running[0]!);
    expect(flight.waiters).toBe(3);
    store.leave(running[0]!);
    store.leave(running[1]!);
    expect(flight.controller.signal.aborted).toBe(false);
    expect(store.lookup('a').state).toBe('inflight');
    store.leave(running[0]!);
    expect(flight.controller.signal.aborted).toBe(true);
    expect(store.lookup('a').state).toBe('miss');
    expect(store.lookup('b').state).toBe('miss');
  });

  it('hands every reader the settled outcome', async () => {
    const store = createCacheStore(undefined);
    const { running, settle } = store.begin(['a']);
    const first = store.join(running[0]!);
    const second = store.join(running[0]!);
    settle('a', { ok: true, payload: { secretString: 'x' } });
    await expect(first).resolves.toMatchObject({ ok: true, stale: false });
    await expect(second).resolves.toMatchObject({ ok: true, value: { payload: { secretString: 'x' } } });
  });
});
