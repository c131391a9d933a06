/** Timing helpers of the benchmark: wall time in milliseconds and medians. */

/**
 * The median of a list of numbers (the mean of the middle two for an even count).
 * @example
 *   median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[middle]!;
  return (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Runs `task` once and returns how long it took, in milliseconds, measured with `process.hrtime.bigint`.
 * @example
 *   const ms = await wallMs(() => resolveConnection(connection, manager));
 */
export async function wallMs(task: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await task();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * Nanoseconds per operation of several tasks measured in turn, run after run, so that noise from other processes
 * falls on all of them alike; each figure is the median of `runs`.
 * @example
 *   const [ours, theirs] = await interleavedNsPerOp([{ task: a, opsPerCall: 3 }, { task: b, opsPerCall: 1 }]);
 */
export async function interleavedNsPerOp(
  tasks: readonly { task: () => Promise<unknown>; opsPerCall?: number; iterations?: number }[],
  options: { warmup?: number; runs?: number } = {},
): Promise<number[]> {
  const { warmup = 3_000, runs = 7 } = options;
  for (const { task } of tasks) for (let i = 0; i < warmup; i++) await task();
  const samples = tasks.map((): number[] => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, { task, opsPerCall = 1, iterations = 10_000 }] of tasks.entries()) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) await task();
      samples[index]!.push(Number(process.hrtime.bigint() - started) / (iterations * opsPerCall));
    }
  }
  return samples.map(median);
}
