import { describe, expect, it } from 'vitest'
import { meanMetrics, rankingMetrics } from './metrics.ts'

describe('ranking metrics (hand-made rankings)', () => {
  it('scores a ranking whose first relevant hit is third, with 2 of 4 relevant items in the top 5', () => {
    // Relevant at ranks 3 and 5; the collection holds 4 relevant items.
    const m = rankingMetrics([false, false, true, false, true], 4, 5)
    expect(m.mrr).toBeCloseTo(1 / 3, 10)
    // DCG = 1/log2(4) + 1/log2(6) = 0.5 + 0.386853; ideal = 1 + 0.630930 + 0.5 + 0.430677.
    expect(m.ndcg).toBeCloseTo((0.5 + 1 / Math.log2(6)) / (1 + 1 / Math.log2(3) + 0.5 + 1 / Math.log2(5)), 10)
    expect(m.recall).toBeCloseTo(2 / 4, 10)
    expect(m.hit1).toBe(0)
  })

  it('is perfect for an ideal ranking, zero without a relevant hit, and ignores hits past k', () => {
    expect(rankingMetrics([true, true, false], 2, 10)).toEqual({ mrr: 1, ndcg: 1, recall: 1, hit1: 1 })
    expect(rankingMetrics([false, false], 3, 10)).toEqual({ mrr: 0, ndcg: 0, recall: 0, hit1: 0 })
    expect(rankingMetrics([false, false, true], 1, 2)).toEqual({ mrr: 0, ndcg: 0, recall: 0, hit1: 0 })
    // Recall is capped at k: 10 relevant hits out of 50 relevant items is as good as it gets.
    expect(rankingMetrics(Array(10).fill(true), 50, 10).recall).toBe(1)
  })

  it('averages over queries', () => {
    const mean = meanMetrics([
      { mrr: 1, ndcg: 0.5, recall: 0, hit1: 1 },
      { mrr: 0.5, ndcg: 0.25, recall: 1, hit1: 0 },
    ])
    expect(mean).toEqual({ mrr: 0.75, ndcg: 0.375, recall: 0.5, hit1: 0.5 })
  })
})
