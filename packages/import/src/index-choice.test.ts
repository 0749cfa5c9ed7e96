import { describe, expect, it } from 'vitest'
import { chooseIndexPath, predictBuildS } from './index-choice.ts'

describe('predictBuildS', () => {
  it('scales a sample build by n log n', () => {
    const sample = { rows: 10_000, ms: 4000 }
    expect(predictBuildS(sample, 10_000)).toBeCloseTo(4)
    expect(predictBuildS(sample, 1_000_000)).toBeCloseTo(4 * 100 * (Math.log(1e6) / Math.log(1e4)))
  })
})

describe('chooseIndexPath', () => {
  const sample = { rows: 10_000, ms: 4000 }
  it('keeps the live index for a small addition to a large collection', () => {
    // 1 ms of index work a row on 2 connections: 20,000 rows → 10 s; a rebuild of 1.02M ≈ 610 s.
    const choice = chooseIndexPath({ rows: 4000, indexMs: 4000, writers: 2 }, sample, 1_000_000, 20_000)
    expect(choice.rebuild).toBe(false)
    expect(choice.liveS).toBeCloseTo(10)
    expect(choice.line).toMatch(
      /0\.50 ms a row on 2 connections → 10\.0 s for the 20,000 rows left; a rebuild over 1,020,000 rows ≈ 6\d\d\.\d s .* → writing into the live index$/,
    )
  })
  it('rebuilds when the load dwarfs the collection', () => {
    const choice = chooseIndexPath({ rows: 4000, indexMs: 16_000, writers: 2 }, sample, 10_000, 1_000_000)
    expect(choice.rebuild).toBe(true)
    expect(choice.line).toMatch(/→ dropping the index for the load$/)
  })
})
