import { describe, expect, it } from 'vitest'
import { fakeEmbedder, harness } from '../testing/harness.ts'

describe('records routes (in process, fake pods)', () => {
  it('needs the service role for writes', async () => {
    const { pods, request } = await harness()
    const res = await request('POST', '/collections/docs/records', { records: [{ id: 'a', vector: [1, 0, 0] }] })
    expect([res.status, (await res.json()).error.code]).toEqual([403, 'forbidden'])
    const del = await request('DELETE', '/collections/docs/records', { ids: ['a'] })
    expect(del.status).toBe(403)
    expect(pods.pod_a.upserts).toHaveLength(0)
  })

  it('embeds text records, keeps given vectors, and writes them in order', async () => {
    const embedder = fakeEmbedder()
    const { pods, request } = await harness({ embedder })
    const res = await request(
      'POST',
      '/collections/docs/records',
      {
        records: [
          { id: 'a', text: 'four' },
          { id: 'b', vector: [0, 1, 0], metadata: { k: 1 } },
          { id: 'c', text: 'sixsix' },
        ],
      },
      'service_role',
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ data: { upserted: 3 }, meta: { pod: 'pod_a', model: 'test/model' } })
    expect(embedder.calls).toEqual([['four', 'sixsix']])
    expect(pods.pod_a.upserts[0]!.records).toEqual([
      { id: 'a', metadata: {}, vector: [4, 1, 0] },
      { id: 'b', metadata: { k: 1 }, vector: [0, 1, 0] },
      { id: 'c', metadata: {}, vector: [6, 1, 0] },
    ])
  })

  it('answers 413 for a streamed body over the limit, before reading it all', async () => {
    const { app, tokens, pods } = await harness({ limits: { maxBodyBytes: 1024 } })
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 64 * 1024) return controller.close()
        sent += 512
        controller.enqueue(new TextEncoder().encode(' '.repeat(512)))
      },
    })
    const res = await app.request('/collections/docs/records', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.service_role}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit)
    expect([res.status, (await res.json()).error.code]).toEqual([413, 'payload_too_large'])
    expect(sent).toBeLessThan(64 * 1024)
    expect(pods.pod_a.upserts).toHaveLength(0)
  })

  it('refuses more records than the limit, bad media types, and a bad record as a whole', async () => {
    const { pods, request, app, tokens } = await harness({ limits: { maxRecords: 2 } })
    const many = await request('POST', '/collections/docs/records', { records: [1, 2, 3].map((i) => ({ id: `r${i}`, vector: [1, 0, 0] })) }, 'service_role')
    expect([many.status, (await many.json()).error.code]).toEqual([413, 'payload_too_large'])
    const text = await app.request('/collections/docs/records', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.service_role}`, 'content-type': 'text/plain' },
      body: 'x',
    })
    expect([text.status, (await text.json()).error.code]).toEqual([415, 'unsupported_media_type'])
    const mixed = await request(
      'POST',
      '/collections/docs/records',
      {
        records: [
          { id: 'a', vector: [1, 0, 0] },
          { id: 'b', vector: [1, 0] },
        ],
      },
      'service_role',
    )
    expect([mixed.status, (await mixed.json()).error.code]).toEqual([400, 'dimension_mismatch'])
    expect(pods.pod_a.upserts).toHaveLength(0)
  })

  it('deletes by ids or by a non-empty filter', async () => {
    const { request } = await harness()
    const byIds = await request('DELETE', '/collections/posts/records', { ids: ['a', 'b'] }, 'service_role')
    expect(await byIds.json()).toEqual({ data: { deleted: 2 }, meta: { pod: 'pod_b' } })
    const empty = await request('DELETE', '/collections/posts/records', { filters: {} }, 'service_role')
    expect([empty.status, (await empty.json()).error.code]).toEqual([400, 'invalid_request'])
    const bad = await request('DELETE', '/collections/posts/records', { filters: { a: { $regex: 'x' } } }, 'service_role')
    expect([bad.status, (await bad.json()).error.code]).toEqual([400, 'invalid_filter'])
  })

  it('caps the text records of one request at what the embedder can do within the runtime’s CPU budget', async () => {
    const embedder = { ...fakeEmbedder(), maxTextsPerRequest: 2 }
    const { request, pods } = await harness({ embedder })
    const res = await request('POST', '/collections/docs/records', { records: [1, 2, 3].map((i) => ({ id: `t${i}`, text: `text ${i}` })) }, 'service_role')
    const error = (await res.json()).error
    expect([res.status, error.code]).toEqual([413, 'payload_too_large'])
    expect(error.message).toMatch(/at most 2 text records per request/)
    expect(pods.pod_a.upserts).toHaveLength(0)
    // Vectors are not capped by it.
    const vectors = await request('POST', '/collections/docs/records', { records: [1, 2, 3].map((i) => ({ id: `v${i}`, vector: [1, 0, i] })) }, 'service_role')
    expect(vectors.status).toBe(200)
  })
})
