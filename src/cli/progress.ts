import type { CliWritable } from './io.js';

/** A progress line on a terminal's stderr. */
export interface CliProgress {
  /** Shows the line from a second after this call on, if the run is still going; calling it again does nothing. */
  start(): void;
  /** Clears the line if shown; it is not shown again. */
  stop(): void;
}

/**
 * A progress line for runs that take long: nothing for the first second (a fast run prints nothing extra), then
 * `secret-refs: <label>… 3 s` on stderr, rewritten in place each second, cleared when the command is done or
 * first writes to stdout. Only when stderr is a terminal: logs and pipes never get it.
 */
export function createProgress(stderr: CliWritable, label: string): CliProgress {
  let timer: NodeJS.Timeout | undefined;
  let started = 0;
  let shown = false;
  let stopped = false;
  const draw = (): void => {
    shown = true;
    // Draws come on the second; a timer may fire a millisecond before the clock shows it, so round, not floor.
    const seconds = Math.round((Date.now() - started) / 1_000);
    stderr.write(`\r\x1b[Ksecret-refs: ${label}… ${seconds} s`);
  };
  return {
    start() {
      if (stopped || timer !== undefined || stderr.isTTY !== true) return;
      started = Date.now();
      timer = setTimeout(() => {
        draw();
        timer = setInterval(draw, 1_000);
        timer.unref();
      }, 1_000);
      timer.unref();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (shown) stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
