import { constants } from 'node:os';

/**
 * Lets a command take the process's signals over while it runs a child (`secret-refs run`), so that they are passed
 * on to the child instead of ending the CLI.
 */
export interface CliSignals {
  /** Until the returned function is called, each signal the bin entry handles goes to `handler`. */
  capture(handler: (signal: NodeJS.Signals) => void): () => void;
}

/** The signals the bin entry handles: they end the CLI at once (exit 128 + number), or go to a running child. */
const CLI_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'];

/** The exit status a shell gives a process ended by `signal`: 128 + its number (130 for SIGINT). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Installs one listener per handled signal on `target` (the process). A signal goes to the handler a command
 * captured it with, if any; otherwise `end(signal)` is called, which should end the process at once — even while
 * it waits on standard input or a FIFO (with the signal merely noted, Node would keep waiting and a second Ctrl-C
 * would be needed).
 */
export function installSignalHandlers(
  target: Pick<NodeJS.Process, 'on'>,
  end: (signal: NodeJS.Signals) => void,
): CliSignals {
  const captures: ((signal: NodeJS.Signals) => void)[] = [];
  for (const signal of CLI_SIGNALS) {
    target.on(signal, () => {
      const handler = captures.at(-1);
      if (handler === undefined) end(signal);
      else handler(signal);
    });
  }
  return {
    capture(handler) {
      captures.push(handler);
      return () => {
        const index = captures.lastIndexOf(handler);
        if (index !== -1) captures.splice(index, 1);
      };
    },
  };
}
