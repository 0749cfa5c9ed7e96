/** Cosine similarity of two vectors (0 when either is zero). */
function cosine(a: number[], b: number[]): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0
}

/**
 * Maximal marginal relevance: picks `k` of the candidates one at a time, each maximising
 * `lambda · sim(query, c) − (1 − lambda) · max sim(c, already picked)` (cosine similarity), so that
 * near duplicates of what is already picked give way to other relevant hits. Returns indexes into
 * `candidates`, in the order picked. `lambda` 1 is plain relevance, 0 pure diversity.
 */
export function mmr(query: number[], candidates: number[][], k: number, lambda: number): number[] {
  const relevance = candidates.map((c) => cosine(query, c))
  const picked: number[] = []
  const redundancy = candidates.map(() => Number.NEGATIVE_INFINITY)
  while (picked.length < Math.min(k, candidates.length)) {
    let best = -1
    let bestScore = Number.NEGATIVE_INFINITY
    for (let i = 0; i < candidates.length; i++) {
      if (picked.includes(i)) continue
      const score = lambda * relevance[i]! - (1 - lambda) * (picked.length ? redundancy[i]! : 0)
      if (score > bestScore) {
        best = i
        bestScore = score
      }
    }
    picked.push(best)
    for (let i = 0; i < candidates.length; i++) redundancy[i] = Math.max(redundancy[i]!, cosine(candidates[i]!, candidates[best]!))
  }
  return picked
}
