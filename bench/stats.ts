/** Small numeric helpers: percentiles, summaries and a bounded worker pool. */

export interface Summary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of already sorted values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

const round = (value: number, digits = 2): number => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

/** count, mean, min, p50, p95, p99, max of the values (milliseconds, rounded to 0.01). */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return {
    count: sorted.length,
    mean: round(sorted.length ? total / sorted.length : Number.NaN),
    min: round(sorted[0] ?? Number.NaN),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

export { round };

/** Milliseconds since an arbitrary origin, monotonic. */
export const now = (): number => performance.now();

/** Runs `fn` once per item, at most `concurrency` at a time; stops starting new items after `deadline` (epoch ms). */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  deadline = Number.POSITIVE_INFINITY,
): Promise<{ results: (R | undefined)[]; errors: { index: number; error: string }[]; skipped: number }> {
  const results: (R | undefined)[] = new Array<R | undefined>(items.length).fill(undefined);
  const errors: { index: number; error: string }[] = [];
  let next = 0;
  let skipped = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      if (Date.now() > deadline) {
        skipped++;
        continue;
      }
      try {
        results[index] = await fn(items[index]!, index);
      } catch (err) {
        errors.push({ index, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return { results, errors, skipped };
}

/** How many times each value occurs. */
export function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** The arithmetic mean; NaN when there are no values. */
export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}
