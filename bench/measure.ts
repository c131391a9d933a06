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

/** One side of a paired measurement: an async task and how many operations one call stands for. */
export interface PairedTask {
  task: () => Promise<unknown>;
  /** Operations per call (references per resolve, say), so that figures are per operation. */
  opsPerCall?: number;
  /** Calls per round; choose a few milliseconds' worth. */
  iterations: number;
}

/** What {@link pairedRatio} returns: the median ratio a ÷ b with its quartiles, and the median ns/op of each. */
export interface PairedResult {
  ratio: number;
  q1: number;
  q3: number;
  aNs: number;
  bNs: number;
  rounds: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

async function nsPerOp({ task, opsPerCall = 1, iterations }: PairedTask): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await task();
  return Number(process.hrtime.bigint() - started) / (iterations * opsPerCall);
}

/**
 * Measures `a` against `b` in short paired rounds, the order alternated from round to round (a then b, b then a),
 * and returns the median of the per-round ratios a ÷ b with its quartiles: noise from other processes falls on
 * both sides of a round alike, so the ratio holds from run to run on a busy machine where absolute figures do not.
 * @example
 *   const { ratio, q1, q3 } = await pairedRatio({ task: ours, iterations: 2_000 }, { task: theirs, iterations: 2_000 });
 */
export async function pairedRatio(
  a: PairedTask,
  b: PairedTask,
  options: { rounds?: number; warmupRounds?: number } = {},
): Promise<PairedResult> {
  const { rounds = 301, warmupRounds = 20 } = options;
  for (let i = 0; i < warmupRounds; i++) {
    await nsPerOp(a);
    await nsPerOp(b);
  }
  const ratios: number[] = [];
  const aNs: number[] = [];
  const bNs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let first: number;
    let second: number;
    if (round % 2 === 0) {
      first = await nsPerOp(a);
      second = await nsPerOp(b);
    } else {
      second = await nsPerOp(b);
      first = await nsPerOp(a);
    }
    aNs.push(first);
    bNs.push(second);
    ratios.push(first / second);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  return {
    ratio: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    aNs: median(aNs),
    bNs: median(bNs),
    rounds,
  };
}
