/**
 * Ranking metrics with binary relevance, at a cut-off k.
 * `relevant[i]` says whether the hit at rank i + 1 is relevant; `total` is how many relevant
 * items the collection holds for the query.
 */
export interface RankingMetrics {
  /** 1 / rank of the first relevant hit within k, else 0. */
  mrr: number
  /** DCG of the top k over the DCG of an ideal top k (min(total, k) relevant hits first). */
  ndcg: number
  /** Relevant hits in the top k over min(total, k): 1 when the top k is as relevant as it can be. */
  recall: number
  /** 1 when the first hit is relevant. */
  hit1: number
}

export function rankingMetrics(relevant: readonly boolean[], total: number, k = 10): RankingMetrics {
  const top = relevant.slice(0, k)
  const first = top.indexOf(true)
  const gain = (rank: number) => 1 / Math.log2(rank + 2)
  const dcg = top.reduce((sum, rel, i) => sum + (rel ? gain(i) : 0), 0)
  const ideal = Array.from({ length: Math.min(total, k) }, (_, i) => gain(i)).reduce((a, b) => a + b, 0)
  const found = top.filter(Boolean).length
  return {
    mrr: first < 0 ? 0 : 1 / (first + 1),
    ndcg: ideal > 0 ? dcg / ideal : 0,
    recall: total > 0 ? found / Math.min(total, k) : 0,
    hit1: top[0] ? 1 : 0,
  }
}

/** The mean of each metric over queries. */
export function meanMetrics(all: readonly RankingMetrics[]): RankingMetrics {
  const mean = (key: keyof RankingMetrics) => (all.length ? all.reduce((s, m) => s + m[key], 0) / all.length : 0)
  return { mrr: mean('mrr'), ndcg: mean('ndcg'), recall: mean('recall'), hit1: mean('hit1') }
}
