/** Latency figures of one run, in milliseconds. */
export interface LatencySummary {
  count: number
  p50: number
  p95: number
  p99: number
  mean: number
  max: number
}

/** The nearest-rank percentile of sorted samples (`p` in 0–100). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1]!
}

export function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b)
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  }
}

/**
 * recall@k of one answer: the share of the exact top k (or of all matching rows, when fewer
 * match) that the answer holds. An empty truth counts as full recall.
 */
export function recallAt(k: number, found: readonly string[], truth: readonly string[]): number {
  const expected = truth.slice(0, k)
  if (expected.length === 0) return 1
  const got = new Set(found.slice(0, k))
  return expected.filter((id) => got.has(id)).length / expected.length
}

export const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN)
