import { describe, expect, it } from 'vitest'
import { filterCost } from './cost.ts'
import { parseFilter } from './parse.ts'

describe('filterCost', () => {
  it('counts each comparison and each $in / $nin value, the $and / $or nesting, and UTF-8 bytes of keys and strings', () => {
    expect(filterCost(parseFilter({ a: { $eq: 'é' } }))).toEqual({ comparisons: 1, depth: 0, bytes: 1 + 2 })
    expect(filterCost(parseFilter({ a: { $in: ['x', 'yy', 3] }, b: { $exists: true } }))).toEqual({ comparisons: 4, depth: 1, bytes: 1 + 3 + 1 })
    const costly = { $or: Array.from({ length: 64 }, (_, i) => ({ k: { $in: Array.from({ length: 100 }, (_, j) => `v${i}-${j}`) } })) }
    const cost = filterCost(parseFilter(costly))
    expect(cost.comparisons).toBe(6400)
    expect(cost.depth).toBe(1)
    expect(cost.bytes).toBeGreaterThan(6400 * 4)
    expect(filterCost(parseFilter({ $and: [{ $or: [{ a: { $contains: { b: ['c', 'd'] } } }, { e: { $gte: 1 } }] }] })).depth).toBe(2)
  })
})
