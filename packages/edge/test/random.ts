/** Deterministic pseudo-random numbers (mulberry32), so a failing test can be replayed. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A vector scaled to length 1. */
export function unit(v: number[]): number[] {
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}
