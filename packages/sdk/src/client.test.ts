import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { createVectorClient } from './index.ts'
import { client, createClient, FN, hits, KEY, meta, mswServer, URL_ } from './testing/msw.ts'

const { server, seen, record, recorded } = mswServer()

describe('request shapes', () => {
  it('search sends the query, options and supabase-style headers to the function route', async () => {
    server.use(
      http.post(
        `${FN}/search`,
        recorded(() => HttpResponse.json({ data: hits, meta })),
      ),
    )
    const result = await client().search('reset a password', { collection: 'docs', limit: 5, filters: { url: { $eq: '/a' } }, include: { metadata: true } })
    expect(result).toEqual({ data: hits, meta, error: null })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: `${FN}/search`,
      headers: { apikey: KEY, authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-client-info': 'vecpods-sdk/0.1.0' },
      body: { collection: 'docs', query: 'reset a password', limit: 5, filters: { url: { $eq: '/a' } }, include: { metadata: true } },
    })
  })

  it('search with a vector over several collections sends `vector` and `collections`', async () => {
    server.use(
      http.post(
        `${FN}/search`,
        recorded(() => HttpResponse.json({ data: hits, meta })),
      ),
    )
    await client().search([0.1, 0.2], { collections: ['docs', 'posts'], limit: 3 })
    expect(seen[0]!.body).toEqual({ collections: ['docs', 'posts'], vector: [0.1, 0.2], limit: 3 })
  })

  it('a supabase-js client carries the call through functions.invoke, with its session token', async () => {
    server.use(
      http.post(
        `${FN}/search`,
        recorded(() => HttpResponse.json({ data: hits, meta })),
      ),
    )
    const supabase = createClient(URL_, KEY, { accessToken: async () => 'user-jwt' })
    const result = await createVectorClient({ supabase }).search('q', { collection: 'docs' })
    expect(result.data).toEqual(hits)
    expect(seen[0]).toMatchObject({ url: `${FN}/search`, headers: { apikey: KEY, authorization: 'Bearer user-jwt' }, body: { collection: 'docs', query: 'q' } })
  })

  it('a custom function name and fetch are used', async () => {
    const calls: string[] = []
    const fetcher: typeof fetch = async (input, init) => {
      calls.push(String(input))
      return fetch(input, init)
    }
    server.use(http.post(`${URL_}/functions/v1/search-v2/search`, () => HttpResponse.json({ data: [], meta })))
    const result = await createVectorClient({ url: `${URL_}/`, key: KEY, functionName: 'search-v2', fetch: fetcher }).search('q', { collection: 'docs' })
    expect(result.error).toBeNull()
    expect(calls).toEqual([`${URL_}/functions/v1/search-v2/search`])
  })

  it('upsert sends batches in order, reports progress, and stops at the first failed batch', async () => {
    let n = 0
    server.use(
      http.post(`${FN}/collections/docs/records`, async ({ request }) => {
        await record(request)
        return ++n === 3
          ? HttpResponse.json({ error: { code: 'dimension_mismatch', message: 'records.0.vector: 2 dims' } }, { status: 400 })
          : HttpResponse.json({ data: { upserted: 2 } })
      }),
    )
    const records = Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, text: `text ${i}`, metadata: { i } }))
    const progress: number[] = []
    const result = await client().upsert('docs', records, { batchSize: 2, onProgress: (p) => progress.push(p.done) })
    expect(seen.map((s) => (s.body as { records: { id: string }[] }).records.map((r) => r.id))).toEqual([
      ['r0', 'r1'],
      ['r2', 'r3'],
      ['r4', 'r5'],
    ])
    expect(seen[0]).toMatchObject({ method: 'POST', url: `${FN}/collections/docs/records`, body: { records: [records[0], records[1]] } })
    expect(progress).toEqual([2, 4])
    expect(result.data).toBeNull()
    expect(result.error).toMatchObject({ code: 'dimension_mismatch', status: 400 })
    expect(result.error!.message).toContain('batch 3 of 4; 4 records written before it')
  })

  it('delete sends ids or filters with DELETE', async () => {
    server.use(
      http.delete(
        `${FN}/collections/posts/records`,
        recorded(() => HttpResponse.json({ data: { deleted: 2 } })),
      ),
    )
    expect(await client().delete('posts', { ids: ['a', 'b'] })).toEqual({ data: { deleted: 2 }, error: null })
    await client().delete('posts', { filters: { year: { $lt: 2000 } } })
    expect(seen.map((s) => [s.method, s.body])).toEqual([
      ['DELETE', { ids: ['a', 'b'] }],
      ['DELETE', { filters: { year: { $lt: 2000 } } }],
    ])
  })

  it('get and list read the collection view through PostgREST', async () => {
    server.use(
      http.get(`${URL_}/rest/v1/docs`, async ({ request }) => {
        await record(request)
        const single = request.headers.get('accept') === 'application/vnd.pgrst.object+json'
        return HttpResponse.json(single ? { id: 'a', metadata: { url: '/a' } } : [{ id: 'a', metadata: { url: '/a' } }])
      }),
    )
    expect(await client().get('docs', 'a')).toEqual({ data: { id: 'a', metadata: { url: '/a' } }, error: null })
    expect(await client().list('docs', { where: { package: 'hono' }, limit: 20 })).toEqual({ data: [{ id: 'a', metadata: { url: '/a' } }], error: null })
    const [one, many] = seen.map((s) => new URL(s.url))
    expect(Object.fromEntries(one!.searchParams)).toEqual({ select: 'id,metadata', id: 'eq.a' })
    expect(Object.fromEntries(many!.searchParams)).toEqual({ select: 'id,metadata', metadata: 'cs.{"package":"hono"}', order: 'id.asc', limit: '20' })
    expect(seen[0]!.headers).toMatchObject({ apikey: KEY, authorization: `Bearer ${KEY}` })
  })

  it('from() is the postgrest builder on the collection, and readers send a collection elsewhere', async () => {
    server.use(
      http.get(
        'https://pod-a.example.test/rest/v1/docs',
        recorded(() => HttpResponse.json([])),
      ),
    )
    const vecpods = createVectorClient({ url: URL_, key: KEY, readers: { docs: createClient('https://pod-a.example.test', 'pod-key') } })
    const { data, error } = await vecpods.from('docs').select('id, url').ilike('url', '%hono%')
    expect(error).toBeNull()
    expect(data).toEqual([])
    expect(new URL(seen[0]!.url).searchParams.get('url')).toBe('ilike.%hono%')
    expect(seen[0]!.headers.apikey).toBe('pod-key')
  })
})
