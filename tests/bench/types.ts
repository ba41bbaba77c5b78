/**
 * Contract for benchmark modules: every `tests/bench/*.bench.ts` default-exports a function that
 * returns rows. Speed targets are expressed as ratios against a baseline measured in the same run
 * (machines are shared and noisy), so `value` is usually a ratio and `target` says what it must meet.
 */
export interface BenchRow {
  /** What was measured, e.g. "binary PCD parse speed-up vs three PCDLoader (1.2M pts)". */
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. ">= 20x". */
  target?: string;
  /** Whether the target was met; undefined when the row is informational. */
  pass?: boolean;
}
export type Bench = () => Promise<BenchRow[]>;

/** Median of a few timed runs of fn, in milliseconds. */
export async function medianMs(fn: () => unknown | Promise<unknown>, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
