import { createClient as createSupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createVectorClient, EDGE_ERROR_CODES, isVecpodsError, VecpodsError } from './index.ts'

const URL_ = 'https://project.example.test'
const FN = `${URL_}/functions/v1/vector-search`
const KEY = 'anon-key'

interface Seen {
  method: string
  url: string
  headers: Record<string, string>
  body: unknown
}
const seen: Seen[] = []
const server = setupServer()
const record = async (request: Request) => {
  const text = await request.clone().text()
  seen.push({ method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body: text ? JSON.parse(text) : undefined })
}
/** msw resolvers: record the request, count calls, or answer late. */
const recorded =
  (answer: () => Response) =>
  async ({ request }: { request: Request }) => {
    await record(request)
    return answer()
  }
const counted = (count: () => void, answer: () => Response) => () => {
  count()
  return answer()
}
const delayed = (ms: number, answer: () => Response) => async () => {
  await new Promise((r) => setTimeout(r, ms))
  return answer()
}
const hits = [{ id: 'a', score: 0.9, collection: 'docs', pod: 'pod_a', metadata: { url: '/a' } }]
const meta = { pods: ['pod_a'], model: 'm', took_ms: 1 }

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  seen.length = 0
})
afterAll(() => server.close())

/** supabase-js as an app creates it (Node 20 has no global WebSocket; realtime is unused here). */
const createClient = (url: string, key: string, options: SupabaseClientOptions<'public'> = {}) =>
  createSupabaseClient(url, key, { ...options, realtime: { transport: WebSocket as never } })

/** A retry policy without waiting, so tests run fast and deterministically. */
const retry = { baseDelayMs: 1, maxDelayMs: 5, random: () => 0 }
const client = () => createVectorClient({ url: URL_, key: KEY, retry })

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

describe('errors', () => {
  it.each(EDGE_ERROR_CODES.map((code) => [code]))('maps the edge code %s to a VecpodsError with that code', async (code) => {
    const status = code === 'pod_unavailable' ? 503 : code === 'timeout' ? 504 : code === 'internal' ? 500 : 400
    server.use(http.post(`${FN}/search`, () => HttpResponse.json({ error: { code, message: `m-${code}` } }, { status })))
    const { data, error } = await createVectorClient({ url: URL_, key: KEY, retry: { ...retry, retries: 0 } }).search('q', { collection: 'docs' })
    expect(data).toBeNull()
    expect(error).toBeInstanceOf(VecpodsError)
    expect(isVecpodsError(error)).toBe(true)
    expect(error).toMatchObject({ code, status, message: `m-${code}` })
  })

  it('maps a refused connection to network_error, a non-JSON 200 to invalid_response, an unknown 4xx to http_error', async () => {
    server.use(http.post(`${FN}/search`, () => HttpResponse.error()))
    expect((await client().search('q', { collection: 'docs' })).error).toMatchObject({ code: 'network_error', status: 0 })
    server.use(http.post(`${FN}/search`, () => new HttpResponse('<html>', { status: 200, headers: { 'content-type': 'text/html' } })))
    expect((await client().search('q', { collection: 'docs' })).error).toMatchObject({ code: 'invalid_response', status: 200 })
    server.use(http.post(`${FN}/search`, () => new HttpResponse('nope', { status: 418 })))
    expect((await client().search('q', { collection: 'docs' })).error).toMatchObject({ code: 'http_error', status: 418 })
  })

  it('maps network failures and HTTP errors the same way through supabase-js', async () => {
    const vecpods = createVectorClient({ supabase: createClient(URL_, KEY), retry: { ...retry, retries: 0 } })
    server.use(http.post(`${FN}/search`, () => HttpResponse.error()))
    expect((await vecpods.search('q', { collection: 'docs' })).error).toMatchObject({ code: 'network_error' })
    server.use(http.post(`${FN}/search`, () => HttpResponse.json({ error: { code: 'forbidden', message: 'no' } }, { status: 403 })))
    expect((await vecpods.search('q', { collection: 'docs' })).error).toMatchObject({ code: 'forbidden', status: 403 })
  })

  it('maps PostgREST errors of get/list to codes', async () => {
    server.use(http.get(`${URL_}/rest/v1/drafts`, () => HttpResponse.json({ code: '42501', message: 'permission denied for view drafts' }, { status: 401 })))
    expect((await client().list('drafts')).error).toMatchObject({ code: 'forbidden' })
    server.use(http.get(`${URL_}/rest/v1/nope`, () => HttpResponse.json({ code: 'PGRST205', message: 'Could not find the table' }, { status: 404 })))
    expect((await client().get('nope', 'x')).error).toMatchObject({ code: 'unknown_collection', status: 404 })
  })

  it('throwOnError() throws the VecpodsError instead of returning it', async () => {
    server.use(http.post(`${FN}/search`, () => HttpResponse.json({ error: { code: 'invalid_filter', message: 'bad' } }, { status: 400 })))
    await expect(client().throwOnError().search('q', { collection: 'docs' })).rejects.toMatchObject({ name: 'VecpodsError', code: 'invalid_filter' })
  })
})

describe('retries and timeouts', () => {
  it('retries a read on 503 and 429, honouring Retry-After, then succeeds', async () => {
    const times: number[] = []
    let n = 0
    server.use(
      http.post(`${FN}/search`, () => {
        times.push(Date.now())
        n++
        if (n === 1) return HttpResponse.json({ error: { code: 'pod_unavailable', message: 'down' } }, { status: 503 })
        if (n === 2) return new HttpResponse(null, { status: 429, headers: { 'retry-after': '0.2' } })
        return HttpResponse.json({ data: hits, meta })
      }),
    )
    const result = await createVectorClient({ url: URL_, key: KEY, retry: { ...retry, maxDelayMs: 1000 } }).search('q', { collection: 'docs' })
    expect(result.data).toEqual(hits)
    expect(n).toBe(3)
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(190)
  })

  it('gives up after the configured retries with the last error', async () => {
    let n = 0
    server.use(
      http.post(
        `${FN}/search`,
        counted(
          () => n++,
          () => HttpResponse.json({ error: { code: 'timeout', message: 'slow pod' } }, { status: 504 }),
        ),
      ),
    )
    const { error } = await client().search('q', { collection: 'docs' })
    expect(n).toBe(3)
    expect(error).toMatchObject({ code: 'timeout', status: 504 })
  })

  it('never retries a 4xx, nor a write', async () => {
    let reads = 0
    let writes = 0
    server.use(
      http.post(
        `${FN}/search`,
        counted(
          () => reads++,
          () => HttpResponse.json({ error: { code: 'invalid_request', message: 'x' } }, { status: 400 }),
        ),
      ),
      http.post(
        `${FN}/collections/docs/records`,
        counted(
          () => writes++,
          () => HttpResponse.json({ error: { code: 'pod_unavailable', message: 'x' } }, { status: 503 }),
        ),
      ),
    )
    await client().search('q', { collection: 'docs' })
    await client().upsert('docs', [{ id: 'a', text: 't' }])
    expect([reads, writes]).toEqual([1, 1])
  })

  it('aborts through the caller’s AbortSignal and through timeoutMs', async () => {
    server.use(
      http.post(
        `${FN}/search`,
        delayed(2000, () => HttpResponse.json({ data: hits, meta })),
      ),
    )
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 20)
    expect((await client().search('q', { collection: 'docs', signal: controller.signal })).error).toMatchObject({ code: 'aborted' })
    expect((await client().search('q', { collection: 'docs', timeoutMs: 50 })).error).toMatchObject({ code: 'timeout', status: 0 })
  })

  it('applies the client’s timeoutMs to every call, a call’s own timeoutMs winning', async () => {
    const slow = delayed(1000, () => HttpResponse.json({}))
    server.use(
      http.get(`${URL_}/rest/v1/docs`, slow),
      http.post(`${FN}/collections/docs/records`, slow),
      http.delete(`${FN}/collections/docs/records`, slow),
      http.post(`${FN}/search`, slow),
    )
    const timed = createVectorClient({ url: URL_, key: KEY, retry: { ...retry, retries: 0 }, timeoutMs: 50 })
    const started = performance.now()
    const results = await Promise.all([
      timed.search('q', { collection: 'docs' }),
      timed.get('docs', 'a'),
      timed.list('docs'),
      timed.upsert('docs', [{ id: 'a', text: 't' }]),
      timed.delete('docs', { ids: ['a'] }),
    ])
    for (const r of results) expect(r.error).toMatchObject({ code: 'timeout' })
    expect(performance.now() - started).toBeLessThan(900)
    const own = await timed.list('docs', { timeoutMs: 2000 })
    expect(own.error).toBeNull()
  })

  it('an upsert that fails part way says how many records landed, in details', async () => {
    let batch = 0
    server.use(
      http.post(`${FN}/collections/docs/records`, () =>
        ++batch === 2
          ? HttpResponse.json({ error: { code: 'pod_unavailable', message: 'down' } }, { status: 503 })
          : HttpResponse.json({ data: { upserted: 2 }, meta: {} }),
      ),
    )
    const { data, error } = await client().upsert(
      'docs',
      [1, 2, 3, 4].map((i) => ({ id: `r${i}`, text: 't' })),
      { batchSize: 2 },
    )
    expect(data).toBeNull()
    expect(error?.details).toEqual({ upserted: 2, batch: 2, batches: 2 })
  })
})
