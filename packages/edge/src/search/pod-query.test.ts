import { describe, expect, it } from 'vitest'
import { searchRequest } from '../requests.ts'
import { fakeEmbedder, testDeployment } from '../testing/harness.ts'
import { planSearch } from './plan.ts'
import { podQuery, toSearchHits } from './pod-query.ts'

const plan = (body: Record<string, unknown>, dep = testDeployment({ embedder: fakeEmbedder() }).dep) => ({
  dep,
  plan: planSearch(dep, searchRequest.parse(body), 'service_role'),
})

describe('podQuery', () => {
  it('vector mode: the collection measure, fetch rows, the pod or collection efSearch, a request ef_search over both', () => {
    const { dep, plan: p } = plan({ collections: ['docs', 'notes'], vector: [1, 0, 0], limit: 3 })
    const [docs, notes] = p.targets.map((t) => podQuery(dep, p, t))
    expect(docs).toEqual({
      kind: 'vector',
      query: { collection: 'docs', measure: 'cosine', vector: [1, 0, 0], limit: 3, includeMetadata: true, includeValue: false, efSearch: 60, exact: false },
    })
    expect(notes!.query).toMatchObject({ collection: 'notes', measure: 'l2', efSearch: 77 })
    const over = plan({ collection: 'docs', vector: [1, 0, 0], ef_search: 300, exact: true })
    expect(podQuery(over.dep, over.plan, over.plan.targets[0]!).query).toMatchObject({ efSearch: 300, exact: true })
  })

  it('vector mode with MMR asks for the candidates and their vectors', () => {
    const { dep, plan: p } = plan({ collection: 'docs', vector: [1, 0, 0], limit: 2, mmr: { fetch_k: 9 } })
    expect(podQuery(dep, p, p.targets[0]!).query).toMatchObject({ limit: 9, includeValue: true })
  })

  it('text and hybrid mode: the words, limit, candidates, fusion; a vector only in hybrid', () => {
    const text = plan({ collection: 'docs', query: 'abort fetch', mode: 'text', filters: { a: { $eq: 1 } } })
    const q = podQuery(text.dep, text.plan, text.plan.targets[0]!)
    expect(q.kind).toBe('text')
    expect(q.query).toMatchObject({
      query: 'abort fetch',
      limit: 10,
      candidates: 40,
      efSearch: 60,
      fusion: { method: 'convex', k: 0, vectorWeight: 0.4, textWeight: 0.6 },
    })
    expect(q.query.filter).toBeDefined()
    expect('vector' in q.query).toBe(false)
    const hybrid = plan({ collection: 'docs', query: 'x', vector: [0, 1, 0], mode: 'hybrid' })
    expect(podQuery(hybrid.dep, hybrid.plan, hybrid.plan.targets[0]!).query).toMatchObject({ vector: [0, 1, 0] })
  })
})

describe('toSearchHits', () => {
  it('scores vector hits by the measure (higher is closer) and keeps a text or hybrid score as the pod gave it', () => {
    const { plan: p } = plan({ collections: ['docs', 'posts'], vector: [1, 0, 0] })
    const [docs, posts] = p.targets
    expect(toSearchHits(docs!, 'vector', [{ id: 'a', distance: 0.25 }])).toEqual([{ id: 'a', score: 0.75, collection: 'docs', pod: 'pod_a' }])
    expect(toSearchHits(posts!, 'vector', [{ id: 'b', distance: 2 }])).toEqual([{ id: 'b', score: -2, collection: 'posts', pod: 'pod_b' }])
    expect(toSearchHits(docs!, 'text', [{ id: 'c', distance: Number.NaN, score: 0.05, ranks: { text: 1 } }])).toEqual([
      { id: 'c', score: 0.05, ranks: { text: 1 }, collection: 'docs', pod: 'pod_a' },
    ])
  })
})
