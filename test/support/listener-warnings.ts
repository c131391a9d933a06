import { setMaxListeners } from 'node:events';
import { afterEach, beforeEach } from 'vitest';

/**
 * Watches the process for `MaxListenersExceededWarning` during each test of the current file (or `describe`
 * block). Returns a function that lets pending warnings arrive, then gives the messages seen so far in this test.
 * @example
 *   const listenerWarnings = watchListenerWarnings();
 *   it('adds few listeners', async () => { …; expect(await listenerWarnings()).toEqual([]); });
 */
export function watchListenerWarnings(): () => Promise<string[]> {
  let warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  beforeEach(() => {
    warnings = [];
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });
  return async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((w) => w.message);
  };
}

/** The listener limit Node 20 gives every `AbortSignal`, and the one {@link limitedController} sets. */
export const SIGNAL_LISTENER_LIMIT = 10;

/**
 * An `AbortController` whose signal warns past 10 listeners on every Node version. Node 20 gives every
 * `AbortSignal` that limit; since Node 22.13 an `AbortSignal` has none unless `events.setMaxListeners` sets one, so
 * a test asserting "no MaxListenersExceededWarning" on an ordinary signal could never fail there. Use this signal
 * in such tests.
 * @example
 *   const { signal } = limitedController();
 *   await manager.getSecrets(ids, { signal });
 *   expect(await listenerWarnings()).toEqual([]);
 */
export function limitedController(limit: number = SIGNAL_LISTENER_LIMIT): AbortController {
  const controller = new AbortController();
  setMaxListeners(limit, controller.signal);
  return controller;
}
