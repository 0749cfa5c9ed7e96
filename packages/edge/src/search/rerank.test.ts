import type { SearchHit } from '@vecpods/protocol'
import { describe, expect, it } from 'vitest'
import type { SearchPlan } from './plan.ts'
import { rerank } from './rerank.ts'

const plan = (over: Partial<SearchPlan>) => ({ limit: 2, include: { metadata: true, value: false }, vector: [1, 0], ...over }) as SearchPlan
const hit = (id: string, value: number[], score: number): SearchHit => ({ id, score, collection: 'c', pod: 'p', value })

describe('rerank', () => {
  const hits = [hit('a', [1, 0], 1), hit('a-twin', [0.999, 0.01], 0.99), hit('b', [0.6, 0.8], 0.6)]

  it('leaves the merged hits alone without MMR', () => {
    expect(rerank(plan({}), hits)).toBe(hits)
  })

  it('with MMR, gives a near duplicate’s place to a different hit, and drops the vectors unless asked for', () => {
    const picked = rerank(plan({ mmr: { lambda: 0.3 } }), hits)
    expect(picked.map((h) => h.id)).toEqual(['a', 'b'])
    expect(picked.every((h) => h.value === undefined)).toBe(true)
    expect(rerank(plan({ mmr: { lambda: 1 } }), hits).map((h) => h.id)).toEqual(['a', 'a-twin'])
    expect(rerank(plan({ mmr: { lambda: 0.3 }, include: { metadata: true, value: true } }), hits)[1]!.value).toEqual([0.6, 0.8])
  })
})
