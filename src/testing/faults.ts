import type { Fault } from './types.js';

const KINDS = new Set(['throttle', 'http500', 'delay', 'drop', 'accessDenied']);

/** Queued faults: the first one matching a request's action applies, and counts down its `times`. */
export class FaultQueue {
  readonly #queue: { fault: Fault; remaining: number }[] = [];

  /** Queues a fault. @throws TypeError or RangeError naming the bad field. */
  push(fault: Fault): void {
    if (fault === null || typeof fault !== 'object' || !KINDS.has(fault.kind)) {
      throw new TypeError(`\`fault.kind\` must be one of ${[...KINDS].join(', ')}`);
    }
    const times = fault.times ?? 1;
    if (typeof times !== 'number' || !(times >= 1)) throw new RangeError('`fault.times` must be 1 or more');
    if (fault.kind === 'delay' && !(Number.isFinite(fault.ms) && fault.ms >= 0)) {
      throw new RangeError('`fault.ms` must be a finite number of milliseconds, 0 or more');
    }
    this.#queue.push({ fault, remaining: times });
  }

  clear(): void {
    this.#queue.length = 0;
  }

  /** The fault to apply to a request for `action`, if any; consumes one of its `times`. */
  take(action: string): Fault | undefined {
    const index = this.#queue.findIndex(({ fault }) => fault.action === undefined || fault.action === action);
    const entry = this.#queue[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#queue.splice(index, 1);
    return entry.fault;
  }
}
