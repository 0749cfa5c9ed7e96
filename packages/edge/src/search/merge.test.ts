import type { SearchHit } from '@vecpods/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Target } from '../deployment.ts'
import { VecpodsError } from '../errors.ts'
import { podDown } from '../testing/fake-pod.ts'
import { mergeResults } from './merge.ts'

const target = (name: string, pod: string) => ({ name, col: { pod }, pod: {} }) as unknown as Target
const hit = (id: string, score: number, collection: string): SearchHit => ({ id, score, collection, pod: 'p' })

describe('mergeResults', () => {
  it('interleaves a fan-out by score, best first, and cuts at fetch', () => {
    const merged = mergeResults(
      [
        { target: target('docs', 'pod_a'), hits: [hit('d1', 0.9, 'docs'), hit('d2', 0.5, 'docs')], servedBy: 'pod_a/r1' },
        { target: target('posts', 'pod_b'), hits: [hit('p1', 0.7, 'posts'), hit('p2', 0.1, 'posts')], servedBy: 'pod_b' },
      ],
      3,
    )
    expect(merged.hits.map((h) => h.id)).toEqual(['d1', 'p1', 'd2'])
    expect(merged.servedBy).toEqual({ docs: 'pod_a/r1', posts: 'pod_b' })
    expect(merged.errors).toEqual([])
  })

  it('re-sorts one collection whose pod returned neighbours out of order (relaxed_order)', () => {
    const merged = mergeResults([{ target: target('docs', 'pod_a'), hits: [hit('b', 0.5, 'docs'), hit('a', 0.6, 'docs')], servedBy: 'pod_a' }], 10)
    expect(merged.hits.map((h) => h.id)).toEqual(['a', 'b'])
  })

  it('keeps the first hit of each collection ahead of lower ranks elsewhere when scores are rank-based (hybrid fan-out)', () => {
    const rrf = (rank: number) => 1 / (60 + rank)
    const merged = mergeResults(
      [
        { target: target('docs', 'pod_a'), hits: [1, 2, 3, 4].map((r) => hit(`d${r}`, rrf(r), 'docs')), servedBy: 'pod_a' },
        { target: target('posts', 'pod_b'), hits: [1, 2, 3, 4].map((r) => hit(`p${r}`, rrf(r), 'posts')), servedBy: 'pod_b' },
      ],
      10,
    )
    expect(new Set(merged.hits.slice(0, 2).map((h) => h.id))).toEqual(new Set(['d1', 'p1']))
  })

  it('keeps each collection’s best hit in the top max(3, collections), whatever the other collections score', () => {
    // posts scores on another scale (say, L2 against cosine): plain sorting would bury docs' best hit.
    const merged = mergeResults(
      [
        { target: target('docs', 'pod_a'), hits: [hit('d1', 0.2, 'docs'), hit('d2', 0.1, 'docs')], servedBy: 'pod_a' },
        { target: target('posts', 'pod_b'), hits: [1, 2, 3, 4].map((r) => hit(`p${r}`, 10 - r, 'posts')), servedBy: 'pod_b' },
      ],
      10,
    )
    expect(merged.hits.map((h) => h.id)).toEqual(['p1', 'p2', 'd1', 'p3', 'p4', 'd2'])
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
        (lists) => {
          const results = lists.map((scores, c) => ({
            target: target(`c${c}`, `pod_${c}`),
            hits: scores.map((s, i) => hit(`h${i}`, s, `c${c}`)),
            servedBy: `pod_${c}`,
          }))
          const top = mergeResults(results, 100).hits.slice(0, Math.max(3, lists.length))
          for (const [c, scores] of lists.entries()) {
            const best = scores.indexOf(Math.max(...scores))
            expect(top.some((h) => h.collection === `c${c}` && h.id === `h${best}`)).toBe(true)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('answers a fan-out with the collections whose pods answered, naming the others', () => {
    const merged = mergeResults(
      [
        { target: target('docs', 'pod_a'), error: podDown('pod_a') },
        { target: target('posts', 'pod_b'), hits: [hit('p1', 0.7, 'posts')], servedBy: 'pod_b' },
      ],
      10,
    )
    expect(merged.hits.map((h) => h.id)).toEqual(['p1'])
    expect(merged.errors).toEqual([{ collection: 'docs', code: 'pod_unavailable', message: expect.stringContaining('pod_a') }])
  })

  it('throws when every collection failed, or one failed for another reason than an outage', () => {
    expect(() => mergeResults([{ target: target('docs', 'pod_a'), error: podDown('pod_a') }], 10)).toThrow(/unavailable/)
    const mismatch = new VecpodsError('model_mismatch', 'other model')
    expect(() =>
      mergeResults(
        [
          { target: target('docs', 'pod_a'), error: mismatch },
          { target: target('posts', 'pod_b'), hits: [], servedBy: 'pod_b' },
        ],
        10,
      ),
    ).toThrow(mismatch)
  })
})
