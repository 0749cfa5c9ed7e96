import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type FusionSettings, fuseArms } from './fusion.ts'

const arm = (...ids: string[]) => ids.map((id, i) => ({ id, score: 10 - i }))
const order = (hits: Array<{ id: string }>) => hits.map((h) => h.id)

describe('fuseArms', () => {
  it('convex: each arm min-max normalised over its candidates, weighted; absent from an arm adds nothing', () => {
    const fused = fuseArms(
      [
        { id: 'a', score: 0.9 },
        { id: 'b', score: 0.5 },
        { id: 'c', score: 0.1 },
      ],
      [
        { id: 'b', score: 12 },
        { id: 'd', score: 6 },
        { id: 'a', score: 2 },
      ],
      { method: 'convex', k: 0, vectorWeight: 0.4, textWeight: 0.6 },
    )
    const score = Object.fromEntries(fused.map((h) => [h.id, h.score]))
    expect(score.a).toBeCloseTo(0.4 * 1 + 0.6 * 0, 12)
    expect(score.b).toBeCloseTo(0.4 * 0.5 + 0.6 * 1, 12)
    expect(score.c).toBeCloseTo(0, 12)
    expect(score.d).toBeCloseTo(0.6 * 0.4, 12)
    expect(order(fused)).toEqual(['b', 'a', 'd', 'c'])
    expect(fused.find((h) => h.id === 'b')!.ranks).toEqual({ vector: 2, text: 1 })
  })

  it('rrf: weight / (k + rank) summed over the arms', () => {
    const fused = fuseArms(arm('a', 'b'), arm('b', 'c'), { method: 'rrf', k: 60, vectorWeight: 1, textWeight: 1 })
    expect(fused[0]).toMatchObject({ id: 'b', score: 1 / 62 + 1 / 61 })
  })

  it('keeps what an arm is sure of: a row first in one arm and absent from the other stays in the top 3 (the RRF k 20, 1 / 0.7 case)', () => {
    // Rows middling in both arms outscore the text arm's first row under plain RRF: 1/22 + 0.7/22 > 0.7/21.
    const vector = arm('v1', 'm1', 'm2', 'm3', 'm4')
    const text = arm('t1', 'm1', 'm2', 'm3', 'm4')
    const plain = [...new Set([...vector, ...text].map((h) => h.id))]
      .map((id) => ({
        id,
        s:
          (vector.findIndex((h) => h.id === id) + 1 ? 1 / (20 + vector.findIndex((h) => h.id === id) + 1) : 0) +
          (text.findIndex((h) => h.id === id) + 1 ? 0.7 / (20 + text.findIndex((h) => h.id === id) + 1) : 0),
      }))
      .sort((a, b) => b.s - a.s)
    expect(plain.findIndex((h) => h.id === 't1')).toBeGreaterThan(2)
    const fused = fuseArms(vector, text, { method: 'rrf', k: 20, vectorWeight: 1, textWeight: 0.7 })
    expect(order(fused).slice(0, 3)).toEqual(expect.arrayContaining(['t1', 'v1']))
    // Scores stay in rank order, so a merge by score keeps the order.
    expect(fused.map((h) => h.score)).toEqual([...fused.map((h) => h.score)].sort((a, b) => b - a))
  })

  it('for any arms and settings, each arm’s first row is in the top 3 and the scores are in rank order', () => {
    const ids = fc.uniqueArray(fc.constantFrom(...'abcdefghijklmnop'.split('')), { minLength: 1, maxLength: 12 })
    const settings = fc.record<FusionSettings>({
      method: fc.constantFrom('convex', 'rrf'),
      k: fc.integer({ min: 0, max: 100 }),
      vectorWeight: fc.double({ min: 0, max: 5, noNaN: true }),
      textWeight: fc.double({ min: 0, max: 5, noNaN: true }),
    })
    fc.assert(
      fc.property(ids, ids, settings, fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 12, maxLength: 12 }), (v, t, s, noise) => {
        const scored = (list: string[]) => list.map((id, i) => ({ id, score: 100 - i * 10 + Math.abs(noise[i]!) }))
        const fused = fuseArms(scored(v), scored(t), s)
        const top = order(fused).slice(0, 3)
        expect(top).toContain(v[0])
        expect(top).toContain(t[0])
        expect(new Set(order(fused))).toEqual(new Set([...v, ...t]))
        for (let i = 1; i < fused.length; i++) expect(fused[i - 1]!.score).toBeGreaterThanOrEqual(fused[i]!.score)
      }),
      { numRuns: 500 },
    )
  })
})
