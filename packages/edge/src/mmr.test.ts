import { describe, expect, it } from 'vitest'
import { mmr } from './mmr.ts'

describe('mmr', () => {
  const query = [1, 0, 0]
  // b is a near twin of a; c is less relevant but different.
  const candidates = [
    [1, 0.05, 0],
    [1, 0.06, 0.001],
    [0.7, 0, 0.7],
  ]

  it('is plain relevance at lambda 1 and skips the near twin at lower lambda', () => {
    expect(mmr(query, candidates, 2, 1)).toEqual([0, 1])
    expect(mmr(query, candidates, 2, 0.5)).toEqual([0, 2])
  })

  it('returns at most the candidates it has', () => {
    expect(mmr(query, candidates, 10, 0.5)).toHaveLength(3)
    expect(mmr(query, [], 3, 0.5)).toEqual([])
  })
})
