import { describe, expect, it, vi } from 'vitest'
import { lowerFilter, parseFilter } from '../filters/index.ts'
import { podDown } from '../testing/fake-pod.ts'
import { brokenEmbedder, fakeEmbedder, harness } from '../testing/harness.ts'

const q = [1, 0, 0]

describe('POST /search (in process, fake pods)', () => {
  it('merges a fan-out by score across pods and measures, keeping `limit` hits', async () => {
    const { pods, request } = await harness()
    pods.pod_a.hits.set('docs', [
      { id: 'd1', distance: 0.1 },
      { id: 'd2', distance: 0.5 },
      { id: 'd3', distance: 1.5 },
    ])
    // l2 scores are −distance: p1 (−0.2) ranks below d2 (1 − 0.5) and above d3 (1 − 1.5).
    pods.pod_b.hits.set('posts', [{ id: 'p1', distance: 0.2 }])
    const res = await request('POST', '/search', { collections: ['docs', 'posts'], vector: q, limit: 3 })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.data.map((h: { id: string; score: number; pod: string }) => [h.id, h.score, h.pod])).toEqual([
      ['d1', 0.9, 'pod_a'],
      ['d2', 0.5, 'pod_a'],
      ['p1', -0.2, 'pod_b'],
    ])
    expect(body.meta).toMatchObject({ pods: ['pod_a', 'pod_b'], model: 'test/model' })
    expect(body.meta.partial).toBeUndefined()
  })

  it('returns the healthy pods’ hits with meta.partial when one pod is down', async () => {
    const { pods, request } = await harness()
    pods.pod_a.hits.set('docs', [{ id: 'd1', distance: 0.1 }])
    pods.pod_b.failure = podDown('pod_b')
    const res = await request('POST', '/search', { collections: ['docs', 'posts'], vector: q })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.data.map((h: { id: string }) => h.id)).toEqual(['d1'])
    expect(body.meta.partial).toBe(true)
    expect(body.meta.errors).toEqual([{ collection: 'posts', code: 'pod_unavailable', message: expect.stringContaining('pod_b') }])
  })

  it('answers the failure itself when every pod fails, and fails whole on a non-degradable error', async () => {
    const { pods, request } = await harness()
    pods.pod_a.failure = podDown('pod_a')
    const down = await request('POST', '/search', { collection: 'docs', vector: q })
    expect(down.status).toBe(503)
    expect((await down.json()).error.code).toBe('pod_unavailable')

    pods.pod_a.failure = new Error('boom')
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const broken = await request('POST', '/search', { collections: ['docs', 'posts'], vector: q })
    expect(logged).toHaveBeenCalledWith('vector-search: unexpected error', pods.pod_a.failure)
    logged.mockRestore()
    expect(broken.status).toBe(500)
    expect(await broken.json()).toEqual({ error: { code: 'internal', message: 'internal error' } })
  })

  it('resolves every setting once: the pod’s efSearch, exact false, the lowered filter', async () => {
    const { pods, request } = await harness()
    await request('POST', '/search', { collections: ['docs', 'posts'], vector: q, filters: { year: { $gte: 2020 } } })
    await request('POST', '/search', { collection: 'docs', vector: q, ef_search: 300, exact: true }, 'service_role')
    const [first, second] = pods.pod_a.searches
    expect(first).toMatchObject({ efSearch: 60, exact: false, measure: 'cosine', limit: 10, includeMetadata: true, includeValue: false })
    expect(first!.filter).toEqual(lowerFilter(parseFilter({ year: { $gte: 2020 } })))
    expect(first!.filter).toMatchObject({ match: expect.stringMatching(/^strict .*\$\."year" >= 2020/) })
    expect(pods.pod_b.searches[0]).toMatchObject({ efSearch: 160, exact: false, measure: 'l2' })
    // A collection's own efSearch (what `pnpm tune` writes) wins over its pod's.
    await request('POST', '/search', { collection: 'notes', vector: q })
    expect(pods.pod_b.searches.at(-1)).toMatchObject({ collection: 'notes', efSearch: 77 })
    expect(second).toMatchObject({ efSearch: 300, exact: true })
    expect(second!.filter).toBeUndefined()
  })

  it('looks up a collection’s model once, then answers a mismatch from memory', async () => {
    const { pods, request } = await harness()
    pods.pod_a.models.set('docs', 'test/model')
    for (let i = 0; i < 3; i++) expect((await request('POST', '/search', { collection: 'docs', vector: q })).status).toBe(200)
    expect(pods.pod_a.modelLookups).toBe(1)
    const other = await request('POST', '/search', { collection: 'docs', vector: q, model: 'other/model' })
    expect(other.status).toBe(409)
    expect((await other.json()).error.code).toBe('model_mismatch')
    expect(pods.pod_a.modelLookups).toBe(1)
  })

  it('embeds query text once per distinct text and marks the lexical model', async () => {
    const embedder = fakeEmbedder('lexical')
    const { request } = await harness({ embedder })
    const a = await (await request('POST', '/search', { collection: 'docs', query: 'hello' })).json()
    await request('POST', '/search', { collection: 'docs', query: 'hello' })
    expect(embedder.calls).toEqual([['hello']])
    expect(a.meta).toMatchObject({ offline_model: 'lexical', lexical: true })
    const staticModel = await harness({ embedder: fakeEmbedder('static') })
    const b = await (await staticModel.request('POST', '/search', { collection: 'docs', query: 'hello' })).json()
    expect(b.meta.offline_model).toBe('static')
    expect(b.meta.lexical).toBeUndefined()
  })

  it('applies access rules and checks dimensions before any pod is asked', async () => {
    const { pods, request } = await harness()
    const forbidden = await request('POST', '/search', { collection: 'drafts', vector: q })
    expect([forbidden.status, (await forbidden.json()).error.code]).toEqual([403, 'forbidden'])
    expect((await request('POST', '/search', { collection: 'drafts', vector: q }, 'service_role')).status).toBe(200)
    const unknown = await request('POST', '/search', { collection: 'nope', vector: q })
    expect([unknown.status, (await unknown.json()).error.code]).toEqual([404, 'unknown_collection'])
    const dims = await request('POST', '/search', { collection: 'docs', vector: [1, 0] })
    expect([dims.status, (await dims.json()).error.code]).toEqual([400, 'dimension_mismatch'])
    const text = await request('POST', '/search', { collection: 'docs', query: 'no model here' })
    expect([text.status, (await text.json()).error.code]).toEqual([400, 'invalid_request'])
    expect(pods.pod_a.searches).toHaveLength(0)
  })

  it('re-ranks by maximal marginal relevance over fetch_k candidates, without returning their vectors', async () => {
    const { pods, request } = await harness()
    pods.pod_a.hits.set('docs', [
      { id: 'a', distance: 0.0, value: [1, 0.05, 0] },
      { id: 'twin', distance: 0.001, value: [1, 0.06, 0.001] },
      { id: 'other', distance: 0.3, value: [0.7, 0, 0.7] },
    ])
    const plain = await (await request('POST', '/search', { collection: 'docs', vector: q, limit: 2 })).json()
    expect(plain.data.map((h: { id: string }) => h.id)).toEqual(['a', 'twin'])
    const res = await request('POST', '/search', { collection: 'docs', vector: q, limit: 2, mmr: { lambda: 0.5, fetch_k: 3 } })
    const body = await res.json()
    expect(body.data.map((h: { id: string }) => h.id)).toEqual(['a', 'other'])
    expect(body.data[0].value).toBeUndefined()
    expect(pods.pod_a.searches.at(-1)).toMatchObject({ limit: 3, includeValue: true })
  })

  it('bounds what a public caller may ask for, and lets service_role ask for more', async () => {
    const { pods, request } = await harness()
    const asks = [
      { collections: ['docs', 'posts', 'notes'], vector: q },
      { collection: 'docs', vector: q, ef_search: 201 },
      { collection: 'docs', vector: q, exact: true },
      { collection: 'docs', vector: q, include: { value: true } },
    ]
    for (const ask of asks) {
      const res = await request('POST', '/search', ask)
      expect([res.status, (await res.json()).error.code]).toEqual([400, 'limit_exceeded'])
      expect((await request('POST', '/search', ask, 'service_role')).status).toBe(200)
    }
    expect(pods.pod_a.searches).toHaveLength(asks.length)
    const big = { collection: 'docs', vector: q, filters: { note: { $in: Array.from({ length: 100 }, (_, i) => `value-${i}-${'x'.repeat(24)}`) } } }
    const tooBig = await request('POST', '/search', big)
    expect([tooBig.status, (await tooBig.json()).error.code]).toEqual([413, 'payload_too_large'])
    expect((await request('POST', '/search', big, 'service_role')).status).toBe(200)
  })

  it('bounds what a public caller’s filter may cost (comparisons, nesting, bytes), naming the limit, and lets service_role through', async () => {
    const { pods, request } = await harness()
    const values = (n: number) => Array.from({ length: n }, (_, i) => i)
    const nested = (depth: number): Record<string, unknown> => (depth === 0 ? { n: { $eq: 1 } } : { $and: [nested(depth - 1), { m: { $eq: 2 } }] })
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ $or: [{ a: { $in: values(64) } }, { b: { $in: values(64) } }, { c: { $eq: 1 } }] }, /129 comparisons, at most 128/],
      [nested(5), /nested 5 levels, at most 4/],
      [{ note: { $eq: 'x'.repeat(760) }, other: { $eq: 'y'.repeat(760) } }, /bytes of keys and strings, at most/],
    ]
    for (const [filters, message] of cases) {
      const ask = { collection: 'docs', vector: q, filters }
      const res = await request('POST', '/search', ask)
      const body = await res.json()
      expect([res.status, body.error.code]).toEqual([400, 'limit_exceeded'])
      expect(body.error.message).toMatch(message)
      expect((await request('POST', '/search', ask, 'service_role')).status).toBe(200)
    }
    // Within every bound: served.
    expect((await request('POST', '/search', { collection: 'docs', vector: q, filters: { a: { $in: values(64) }, b: { $in: values(64) } } })).status).toBe(200)
    expect(pods.pod_a.searches).toHaveLength(cases.length + 1)
  })

  it('refuses what PostgreSQL could not take: float4 overflow, zero vectors on cosine, repeated collections, NUL', async () => {
    const { pods, request } = await harness()
    const cases: Array<[unknown, RegExp]> = [
      [{ collection: 'docs', vector: [1e39, 0, 0] }, /vector\.0: is outside the float4 range/],
      [{ collection: 'docs', vector: [0, 0, 0] }, /zero vector has no direction/],
      [{ collections: ['docs', 'docs'], vector: q }, /collections: names each collection once/],
      [{ collection: 'docs', vector: q, filters: { k: { $eq: 'a\u0000' } } }, /filters\.k\.\$eq: contains a NUL character/],
      [{ collection: 'docs', vector: q, filters: JSON.parse('{"__proto__": {"$eq": "x"}}') }, /__proto__/],
    ]
    for (const [body, message] of cases) {
      const res = await request('POST', '/search', body, 'service_role')
      const error = (await res.json()).error
      expect([res.status, error.code]).toEqual([400, 'invalid_request'])
      expect(error.message).toMatch(message)
    }
    // A zero vector is fine where it has a meaning (l2: the origin).
    expect((await request('POST', '/search', { collection: 'posts', vector: [0, 0, 0] })).status).toBe(200)
    expect(pods.pod_a.searches).toHaveLength(0)
  })

  it('answers 503 service_unavailable when the embedding model cannot load', async () => {
    const { request } = await harness({ embedder: brokenEmbedder() })
    const res = await request('POST', '/search', { collection: 'docs', query: 'hello' })
    expect(res.status).toBe(503)
    expect((await res.json()).error).toEqual({ code: 'service_unavailable', message: 'the embedding model is not available: model files not found' })
  })

  it('refuses a missing or forged token', async () => {
    const { app } = await harness()
    const res = await app.request('/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect([res.status, (await res.json()).error.code]).toEqual([401, 'unauthorized'])
  })
})
