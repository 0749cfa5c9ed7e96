import { describe, expect, it } from 'vitest'
import type { VecpodsError } from '../errors.ts'
import { searchRequest } from '../requests.ts'
import { fakeEmbedder, testDeployment } from '../testing/harness.ts'
import { candidatesFor, planSearch, withQueryVector } from './plan.ts'

const input = (body: Record<string, unknown>) => searchRequest.parse(body)
const codeOf = (f: () => unknown) => {
  try {
    f()
  } catch (error) {
    return (error as VecpodsError).code
  }
  return 'none'
}

describe('planSearch', () => {
  it('resolves every default: targets, fetch, candidates, fusion, include', () => {
    const { dep } = testDeployment({ embedder: fakeEmbedder() })
    const plan = planSearch(dep, input({ collection: 'docs', query: 'abort a fetch' }), 'anon')
    expect(plan.targets.map((t) => [t.name, t.col.pod])).toEqual([['docs', 'pod_a']])
    expect(plan).toMatchObject({ mode: 'vector', limit: 10, fetch: 10, candidates: 40, model: 'test/model', include: { metadata: true, value: false } })
    expect(plan.fusion).toEqual({ method: 'convex', k: 0, vectorWeight: 0.4, textWeight: 0.6 })
    expect(plan.filter).toBeUndefined()
    expect(plan.vector).toBeUndefined()
  })

  it('fetches MMR candidates: fetch_k, else 4 × limit up to 100, never fewer than limit', () => {
    const { dep } = testDeployment({ embedder: fakeEmbedder() })
    expect(planSearch(dep, input({ collection: 'docs', vector: [1, 0, 0], limit: 5, mmr: {} }), 'anon').fetch).toBe(20)
    expect(planSearch(dep, input({ collection: 'docs', vector: [1, 0, 0], limit: 40, mmr: {} }), 'anon').fetch).toBe(100)
    expect(planSearch(dep, input({ collection: 'docs', vector: [1, 0, 0], limit: 8, mmr: { fetch_k: 3 } }), 'anon').fetch).toBe(8)
    expect(planSearch(dep, input({ collection: 'docs', vector: [1, 0, 0], limit: 8, mmr: { lambda: 0.2 } }), 'anon').mmr).toEqual({ lambda: 0.2 })
  })

  it('text mode has no model; hybrid takes a given vector and its fusion settings', () => {
    const { dep } = testDeployment({ embedder: fakeEmbedder() })
    expect(planSearch(dep, input({ collection: 'docs', query: 'x', mode: 'text' }), 'anon').model).toBeUndefined()
    const hybrid = planSearch(dep, input({ collection: 'docs', query: 'x', vector: [0, 1, 0], mode: 'hybrid', hybrid: { method: 'rrf', k: 60 } }), 'anon')
    expect(hybrid).toMatchObject({ vector: [0, 1, 0], fusion: { method: 'rrf', k: 60, vectorWeight: 1, textWeight: 1.5 } })
  })

  it('refuses what the caller may not do, before any pod is asked', () => {
    const { dep, pods } = testDeployment({ embedder: fakeEmbedder() })
    expect(codeOf(() => planSearch(dep, input({ collection: 'nope', query: 'x' }), 'anon'))).toBe('unknown_collection')
    expect(codeOf(() => planSearch(dep, input({ collection: 'drafts', query: 'x' }), 'anon'))).toBe('forbidden')
    expect(codeOf(() => planSearch(dep, input({ collections: ['docs', 'posts', 'notes'], query: 'x' }), 'anon'))).toBe('limit_exceeded')
    expect(codeOf(() => planSearch(dep, input({ collection: 'notes', query: 'x', mode: 'text' }), 'anon'))).toBe('mode_unsupported')
    expect(codeOf(() => planSearch(dep, input({ collection: 'docs', query: 'x', filters: { a: { $bogus: 1 } } }), 'anon'))).toBe('invalid_filter')
    expect(codeOf(() => planSearch(dep, input({ collection: 'docs', query: 'x', model: 'other/model' }), 'anon'))).toBe('model_mismatch')
    expect(pods.pod_a.searches.length + pods.pod_b.searches.length).toBe(0)
  })

  it('candidatesFor: 4 × limit, at least 40, at most 400', () => {
    expect([1, 10, 20, 100].map(candidatesFor)).toEqual([40, 40, 80, 400])
  })
})

describe('withQueryVector', () => {
  it('embeds the query once for vector and hybrid, not for text, and checks dimensions on every target', async () => {
    const embedder = fakeEmbedder()
    const { dep } = testDeployment({ embedder })
    const plan = await withQueryVector(dep, planSearch(dep, input({ collections: ['docs', 'posts'], query: 'abc' }), 'anon'))
    expect(plan.vector).toEqual([3, 1, 0])
    await withQueryVector(dep, planSearch(dep, input({ collection: 'docs', query: 'abc', mode: 'text' }), 'anon'))
    expect(embedder.calls).toEqual([['abc']])
    await expect(withQueryVector(dep, planSearch(dep, input({ collection: 'docs', vector: [1, 0] }), 'anon'))).rejects.toMatchObject({
      code: 'dimension_mismatch',
    })
    await expect(withQueryVector(dep, planSearch(dep, input({ collection: 'docs', vector: [0, 0, 0] }), 'anon'))).rejects.toMatchObject({
      code: 'invalid_request',
    })
  })
})
