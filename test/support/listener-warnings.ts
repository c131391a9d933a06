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
