import { describe, expect, it } from 'vitest'
import type { Target } from '../deployment.ts'
import type { SearchPlan } from './plan.ts'
import { searchResponse } from './respond.ts'

const targets = [
  { name: 'docs', col: { pod: 'pod_a' } },
  { name: 'notes', col: { pod: 'pod_b' } },
  { name: 'posts', col: { pod: 'pod_b' } },
] as unknown as Target[]

describe('searchResponse', () => {
  it('names each pod once, the mode, who served what, the time to 0.01 ms', () => {
    const body = searchResponse({ mode: 'vector', targets } as SearchPlan, [], { hits: [], servedBy: { docs: 'pod_a/r1' }, errors: [] }, undefined, 12.3456)
    expect(body).toEqual({ data: [], meta: { pods: ['pod_a', 'pod_b'], mode: 'vector', served_by: { docs: 'pod_a/r1' }, took_ms: 12.35 } })
  })

  it('labels the model and an offline one; marks a partial answer with its errors', () => {
    const errors = [{ collection: 'posts', code: 'pod_unavailable' as const, message: 'down' }]
    const plan = { mode: 'hybrid', targets, model: 'vecpods/lexical-384' } as SearchPlan
    expect(searchResponse(plan, [], { hits: [], servedBy: {}, errors }, 'lexical', 1).meta).toMatchObject({
      model: 'vecpods/lexical-384',
      offline_model: 'lexical',
      lexical: true,
      partial: true,
      errors,
    })
    expect(searchResponse(plan, [], { hits: [], servedBy: {}, errors: [] }, 'static', 1).meta).not.toHaveProperty('lexical')
    expect(
      searchResponse({ ...plan, mode: 'text', model: undefined } as unknown as SearchPlan, [], { hits: [], servedBy: {}, errors: [] }, undefined, 1).meta,
    ).not.toHaveProperty('model')
  })
})
