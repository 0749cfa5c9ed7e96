import { describe, expect, it } from 'vitest'
import { mean, percentile, recallAt, summarize } from './stats.ts'

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(xs, 50)).toBe(50)
    expect(percentile(xs, 95)).toBe(95)
    expect(percentile(xs, 99)).toBe(99)
    expect(percentile([7], 99)).toBe(7)
    expect(percentile([], 50)).toBeNaN()
  })
})

describe('summarize', () => {
  it('sorts before ranking and leaves the input alone', () => {
    const xs = [5, 1, 4, 2, 3]
    expect(summarize(xs)).toEqual({ count: 5, p50: 3, p95: 5, p99: 5, mean: 3, max: 5 })
    expect(xs).toEqual([5, 1, 4, 2, 3])
  })
})

describe('recallAt', () => {
  it('counts the exact top k found, in any order', () => {
    expect(recallAt(3, ['c', 'a', 'x'], ['a', 'b', 'c', 'd'])).toBeCloseTo(2 / 3)
    expect(recallAt(2, ['a', 'b'], ['a', 'b'])).toBe(1)
  })
  it('only looks at the first k of the answer', () => {
    expect(recallAt(2, ['x', 'y', 'a', 'b'], ['a', 'b'])).toBe(0)
  })
  it('measures against the matching rows when fewer than k match', () => {
    expect(recallAt(10, ['a'], ['a', 'b'])).toBe(0.5)
    expect(recallAt(10, [], [])).toBe(1)
  })
})

describe('mean', () => {
  it('averages, NaN for nothing', () => {
    expect(mean([1, 2, 3, 6])).toBe(3)
    expect(mean([])).toBeNaN()
  })
})
