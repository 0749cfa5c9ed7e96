// The wire contract between the edge and this SDK, checked against the edge app itself (in
// process, on fake pods): every error code the contract declares is provoked from the real app,
// and the SDK must read each answer back as the same code with the contract's status.
import { brokenEmbedder, harness, podDown, podTimeout } from '@vecpods/edge/testing'
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from '@vecpods/protocol'
import { describe, expect, it } from 'vitest'
import { errorFromResponse } from './errors.ts'
import { createVectorClient, EDGE_ERROR_CODES, isVecpodsError } from './index.ts'

type H = Awaited<ReturnType<typeof harness>>
const q = [1, 0, 0]

/** A search on docs while pod_a fails with `error`. */
const failing = (h: H, error: Error) => {
  h.pods.pod_a.failure = error
  return h.request('POST', '/search', { collection: 'docs', vector: q })
}

/** A request that makes the edge answer each code, and how to set the fake pods up for it. */
const PROVOKE: Record<ErrorCode, (h: H) => Response | Promise<Response>> = {
  invalid_request: (h) => h.request('POST', '/search', { collection: 'docs' }),
  invalid_filter: (h) => h.request('POST', '/search', { collection: 'docs', vector: q, filters: { a: { $regex: 'x' } } }),
  limit_exceeded: (h) => h.request('POST', '/search', { collection: 'docs', vector: q, exact: true }),
  service_unavailable: async () => (await harness({ embedder: brokenEmbedder() })).request('POST', '/search', { collection: 'docs', query: 'x' }),
  dimension_mismatch: (h) => h.request('POST', '/search', { collection: 'docs', vector: [1] }),
  mode_unsupported: (h) => h.request('POST', '/search', { collection: 'notes', query: 'x', mode: 'text' }),
  model_mismatch: (h) => {
    h.pods.pod_a.models.set('docs', 'other/model')
    return h.request('POST', '/search', { collection: 'docs', vector: q })
  },
  unauthorized: (h) => h.app.request('/collections', { headers: { authorization: 'Bearer not-a-jwt' } }),
  forbidden: (h) => h.request('POST', '/search', { collection: 'drafts', vector: q }),
  unknown_collection: (h) => h.request('POST', '/search', { collection: 'nope', vector: q }),
  not_found: (h) => h.request('GET', '/nope'),
  rate_limited: async (h) => {
    // Past what a caller may send in one of the limiter's minute windows (publicLimits.requestsPerMinute).
    let res = await h.request('GET', '/collections')
    for (let i = 0; res.status !== 429 && i < h.registry.publicLimits.requestsPerMinute; i++) res = await h.request('GET', '/collections')
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    return res
  },
  payload_too_large: (h) => h.request('POST', '/collections/docs/records', { records: [1, 2, 3].map((i) => ({ id: `r${i}`, vector: q })) }, 'service_role'),
  unsupported_media_type: (h) =>
    h.app.request('/search', { method: 'POST', headers: { authorization: `Bearer ${h.tokens.anon}`, 'content-type': 'text/plain' }, body: 'x' }),
  pod_unavailable: (h) => failing(h, podDown('pod_a')),
  timeout: (h) => failing(h, podTimeout('pod_a')),
  internal: (h) => failing(h, new Error('boom')),
}

describe('wire contract: edge ↔ SDK', () => {
  it('the SDK knows exactly the contract’s codes', () => {
    expect([...EDGE_ERROR_CODES].sort()).toEqual(Object.keys(ERROR_STATUS).sort())
  })

  it.each(ERROR_CODES.map((c) => [c]))('the edge answers %s with the contract’s status, and the SDK reads the same code', async (code) => {
    const h = await harness({ limits: { maxRecords: 2 } })
    const spy = console.error
    console.error = () => {}
    const res = await Promise.resolve(PROVOKE[code](h)).finally(() => (console.error = spy))
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe(code)
    expect(res.status).toBe(ERROR_STATUS[code])
    const read = errorFromResponse(res.status, body)
    expect([read.code, read.status, read.message]).toEqual([code, ERROR_STATUS[code], body.error.message])
  })

  it('a search through the SDK returns the edge’s hits and meta unchanged', async () => {
    const h = await harness({ basePath: '/functions/v1/vector-search' })
    h.pods.pod_a.hits.set('docs', [{ id: 'a', distance: 0.25, metadata: { url: '/a' } }])
    const fetchApp: typeof fetch = async (input, init) => h.app.fetch(new Request(input, init))
    const client = createVectorClient({ url: 'http://edge.test', key: h.tokens.anon, fetch: fetchApp, retry: { retries: 0 } })
    const { data, meta, error } = await client.search(q, { collection: 'docs' })
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 'a', score: 0.75, collection: 'docs', pod: 'pod_a', metadata: { url: '/a' } }])
    expect(meta).toMatchObject({ pods: ['pod_a'], model: 'test/model' })

    h.pods.pod_a.failure = podDown('pod_a')
    const failed = await client.search(q, { collection: 'docs' })
    expect(isVecpodsError(failed.error) && [failed.error.code, failed.error.status]).toEqual(['pod_unavailable', 503])
  })
})
