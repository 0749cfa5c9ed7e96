import { describe, expect, it } from 'vitest'
import { fakeEmbedder, harness } from '../testing/harness.ts'

const text = (id: string, words: string) => ({ id, distance: 0, metadata: { text: words } })

describe('POST /search, modes text and hybrid (in process, fake pods)', () => {
  it('text mode sends the words to the pod without embedding them, and scores by the pod', async () => {
    const embedder = fakeEmbedder()
    const { pods, request } = await harness({ embedder })
    pods.pod_a.hits.set('docs', [text('a', 'cancel a request'), text('b', 'cancel the pending request now'), text('c', 'unrelated')])
    const res = await request('POST', '/search', { collection: 'docs', query: 'cancel request', mode: 'text', filters: { lang: { $eq: 'en' } } })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.data.map((h: { id: string; score: number }) => [h.id, h.score])).toEqual([
      ['a', 2],
      ['b', 2],
    ])
    expect(body.meta).toMatchObject({ mode: 'text', pods: ['pod_a'] })
    expect(body.meta.model).toBeUndefined()
    expect(embedder.calls).toEqual([])
    const sent = pods.pod_a.textSearches[0]!
    expect(sent).toMatchObject({
      collection: 'docs',
      query: 'cancel request',
      limit: 10,
      candidates: 40,
      fusion: { method: 'convex', k: 0, vectorWeight: 0.4, textWeight: 0.6 },
    })
    expect(sent.vector).toBeUndefined()
    expect(sent.filter).toBeDefined()
  })

  it('hybrid mode embeds the query once, passes fusion settings, and merges a fan-out by fused score', async () => {
    const embedder = fakeEmbedder()
    const { pods, request } = await harness({ embedder })
    pods.pod_a.hits.set('docs', [text('d1', 'stream rows'), text('d2', 'rows')])
    pods.pod_b.hits.set('posts', [text('p1', 'stream rows in batches')])
    const res = await request('POST', '/search', {
      collections: ['docs', 'posts'],
      query: 'stream rows',
      mode: 'hybrid',
      limit: 5,
      hybrid: { method: 'rrf', k: 10, text_weight: 2 },
    })
    expect(res.status).toBe(200)
    const body = await res.json()
    // Rank 1 in each collection ties at 1 / (10 + 1); the pods' order breaks nothing else.
    expect(
      body.data
        .map((h: { id: string }) => h.id)
        .slice(0, 2)
        .sort(),
    ).toEqual(['d1', 'p1'])
    expect(body.data[0].ranks).toEqual({ text: 1 })
    expect(body.meta).toMatchObject({ mode: 'hybrid', model: 'test/model' })
    expect(embedder.calls).toEqual([['stream rows']])
    expect(pods.pod_a.textSearches[0]).toMatchObject({ vector: expect.any(Array), fusion: { method: 'rrf', k: 10, vectorWeight: 1, textWeight: 2 } })
  })

  it('hybrid with a given vector embeds nothing', async () => {
    const embedder = fakeEmbedder()
    const { pods, request } = await harness({ embedder })
    const res = await request('POST', '/search', { collection: 'docs', query: 'x', vector: [0, 1, 0], mode: 'hybrid' })
    expect(res.status).toBe(200)
    expect(embedder.calls).toEqual([])
    expect(pods.pod_a.textSearches[0]!.vector).toEqual([0, 1, 0])
  })

  it('refuses what the modes cannot do, before any pod is asked', async () => {
    const { pods, request } = await harness()
    const expectError = async (body: unknown, status: number, code: string, message: RegExp) => {
      const res = await request('POST', '/search', body)
      const answer = await res.json()
      expect([res.status, answer.error.code]).toEqual([status, code])
      expect(answer.error.message).toMatch(message)
    }
    await expectError({ collection: 'notes', query: 'x', mode: 'text' }, 400, 'mode_unsupported', /collection "notes"/)
    await expectError({ collections: ['docs', 'notes'], query: 'x', mode: 'hybrid' }, 400, 'mode_unsupported', /"notes"/)
    await expectError({ collection: 'docs', mode: 'text' }, 400, 'invalid_request', /mode "text" needs "query"/)
    await expectError({ collection: 'docs', query: 'x', vector: [1, 0, 0], mode: 'text' }, 400, 'invalid_request', /takes no "vector"/)
    await expectError({ collection: 'docs', query: 'x', mode: 'text', mmr: {} }, 400, 'invalid_request', /"mmr" works with mode "vector" only/)
    await expectError({ collection: 'docs', query: 'x', hybrid: { k: 5 } }, 400, 'invalid_request', /need mode "hybrid"/)
    await expectError({ collection: 'docs', query: 'x', mode: 'fuzzy' }, 400, 'invalid_request', /mode/)
    await expectError({ collection: 'docs', query: 'x', mode: 'hybrid', hybrid: { method: 'rrf', k: -1 } }, 400, 'invalid_request', /hybrid\.k/)
    await expectError({ collection: 'docs', query: 'x', mode: 'hybrid', hybrid: { k: 5 } }, 400, 'invalid_request', /rank constant of method "rrf"/)
    await expectError({ collection: 'docs', query: 'x', mode: 'hybrid', hybrid: { method: 'sum' } }, 400, 'invalid_request', /hybrid\.method/)
    await expectError({ collection: 'drafts', query: 'x', mode: 'text' }, 403, 'forbidden', /drafts/)
    expect(pods.pod_a.textSearches).toEqual([])
    expect(pods.pod_b.textSearches).toEqual([])
  })
})
