import { describe, expect, it } from 'vitest'
import { mergeNeighbours } from './truth.ts'

describe('mergeNeighbours', () => {
  it('keeps the k nearest of all lists', () => {
    const a = [
      { id: 'a1', distance: 0.1 },
      { id: 'a2', distance: 0.5 },
    ]
    const b = [
      { id: 'b1', distance: 0.2 },
      { id: 'b2', distance: 0.3 },
    ]
    expect(mergeNeighbours([a, b], 3).map((n) => n.id)).toEqual(['a1', 'b1', 'b2'])
    expect(mergeNeighbours([a, []], 5).map((n) => n.id)).toEqual(['a1', 'a2'])
  })
})
