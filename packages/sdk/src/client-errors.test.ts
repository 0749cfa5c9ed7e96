import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import { createVectorClient, EDGE_ERROR_CODES, isVecpodsError, VecpodsError } from './index.ts'
import { client, counted, createClient, delayed, FN, hits, KEY, meta, mswServer, retry, URL_ } from './testing/msw.ts'

const { server } = mswServer()

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
