/** A ranking: ids with scores, best first. */
export type Ranked = ReadonlyArray<{ id: string; score: number }>

export interface Agreement {
  /** The two top-k lists are the same documents at the same scores, ties in any order. */
  identical: boolean
  /** Spearman's rank correlation over the union of both top-k lists, each document ranked by each side's full scores. */
  spearman: number
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b))

/**
 * How two rankings of the same documents agree at the top. `a` and `b` should be longer than `k`
 * (scores of documents the other side ranks in its top k). Documents tied on score may come in
 * any order, and a tie cut by the k-th place may be cut differently.
 */
export function agreement(a: Ranked, b: Ranked, k: number): Agreement {
  const topA = a.slice(0, k)
  const topB = b.slice(0, k)
  const scoreA = new Map(a.map((h) => [h.id, h.score]))
  const scoreB = new Map(b.map((h) => [h.id, h.score]))
  const sameScores = topA.length === topB.length && topA.every((h, i) => close(h.score, topB[i]!.score))
  // Above the tie at the cut, both sides must hold the same documents.
  const cut = topA.at(-1)?.score
  const above = (top: Ranked) => new Set(top.filter((h) => cut === undefined || !close(h.score, cut)).map((h) => h.id))
  const [setA, setB] = [above(topA), above(topB)]
  const identical = sameScores && setA.size === setB.size && [...setA].every((id) => setB.has(id))
  const union = [...new Set([...topA, ...topB].map((h) => h.id))]
  return {
    identical,
    spearman: spearman(
      union.map((id) => scoreA.get(id) ?? 0),
      union.map((id) => scoreB.get(id) ?? 0),
    ),
  }
}

/** Average ranks (ties share the mean of their positions), highest value first. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => y.v - x.v)
  const out = new Array<number>(values.length)
  for (let s = 0; s < order.length; ) {
    let e = s
    while (e + 1 < order.length && close(order[e + 1]!.v, order[s]!.v)) e++
    for (let j = s; j <= e; j++) out[order[j]!.i] = (s + e) / 2 + 1
    s = e + 1
  }
  return out
}

/** Spearman's rank correlation (Pearson's over average ranks); 1 for fewer than two items. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  if (x.length < 2) return 1
  const [rx, ry] = [ranks(x), ranks(y)]
  const mean = (r: number[]) => r.reduce((s, v) => s + v, 0) / r.length
  const [mx, my] = [mean(rx), mean(ry)]
  let num = 0
  let dx = 0
  let dy = 0
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i]! - mx) * (ry[i]! - my)
    dx += (rx[i]! - mx) ** 2
    dy += (ry[i]! - my) ** 2
  }
  return dx && dy ? num / Math.sqrt(dx * dy) : 1
}
