import { describe, expect, it } from 'vitest'
import { agreement, spearman } from './rank-agreement.ts'

const r = (...pairs: Array<[string, number]>) => pairs.map(([id, score]) => ({ id, score }))

describe('agreement', () => {
  it('same documents at the same scores are identical, ties in any order', () => {
    expect(agreement(r(['a', 3], ['b', 2], ['c', 2], ['d', 1]), r(['a', 3], ['c', 2], ['b', 2], ['d', 1]), 3).identical).toBe(true)
  })

  it('a tie cut by the k-th place may be cut differently', () => {
    expect(agreement(r(['a', 3], ['b', 2], ['c', 2]), r(['a', 3], ['c', 2], ['b', 2]), 2).identical).toBe(true)
  })

  it('another document or another score at the top is a difference', () => {
    expect(agreement(r(['a', 3], ['b', 2], ['c', 1]), r(['a', 3], ['x', 2], ['c', 1]), 3).identical).toBe(false)
    expect(agreement(r(['a', 3], ['b', 2]), r(['a', 3], ['b', 2.5]), 2).identical).toBe(false)
  })

  it('Spearman over the union of both tops, from each side’s full scores', () => {
    const a = agreement(r(['a', 3], ['b', 2], ['c', 1], ['d', 0.5]), r(['a', 3], ['c', 2.5], ['b', 2], ['d', 0.5]), 2)
    expect(a.identical).toBe(false)
    expect(a.spearman).toBeCloseTo(0.5, 6)
  })
})

describe('spearman', () => {
  it('is 1 for the same order, −1 for the reverse, and handles ties with average ranks', () => {
    expect(spearman([1, 2, 3], [10, 20, 30])).toBe(1)
    expect(spearman([1, 2, 3], [3, 2, 1])).toBe(-1)
    expect(spearman([1, 1, 2], [1, 1, 2])).toBeCloseTo(1, 9)
  })
})
