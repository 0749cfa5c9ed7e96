import { stackOptions, startDatabase, stopDatabase } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FaultEdge, faultEdge, markedRows } from '../faults/edge.ts'

// One pod's database goes away while the edge keeps running: its collection answers 503, the
// others keep answering, fan-out degrades to the healthy pods, and it all recovers in place.
const opts = stackOptions(process.env, () => {})
const run = `fail-${Date.now().toString(36)}`
const vector = Array.from({ length: 384 }, (_, i) => (i === 5 ? 1 : 0))
let edge: FaultEdge

type Body = { data: Array<{ id: string; collection: string }>; meta: { partial?: boolean; errors?: Array<{ collection: string; code: string }> } }
type ErrorBody = { error: { code: string; message: string } }

const call = (method: string, path: string, body?: unknown, key?: string) => edge.call(method, path, body, key)
const search = (collections: string[]) =>
  call('POST', '/search', { collections, vector, limit: 5, filters: { run: { $eq: run } }, include: { metadata: false } })
/** The same request through the Deno-served function behind the primary's gateway. */
const viaDeno = (collections: string[]) =>
  fetch(`${edge.primary.apiUrl}/functions/v1/vector-search/search`, {
    method: 'POST',
    headers: { apikey: edge.primary.keys.anonKey, authorization: `Bearer ${edge.primary.keys.anonKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ collections, vector, limit: 5, filters: { run: { $eq: run } }, include: { metadata: false } }),
  })

beforeAll(async () => {
  edge = await faultEdge(opts)
  expect(await markedRows(edge, run, vector, ['docs', 'posts', 'api'])).toEqual([200, 200, 200])
})

afterAll(async () => {
  for (const pod of ['pod_b', 'pod_c']) startDatabase(opts, pod)
  for (const collection of ['docs', 'posts', 'api']) {
    await call('DELETE', `/collections/${collection}/records`, { filters: { run: { $eq: run } } }, edge.primary.keys.serviceRoleKey)
  }
  await Promise.all([...edge.config.pods.values()].map((p) => p.close()))
})

describe.each([
  { pod: 'pod_b', collection: 'posts', transport: 'sql' },
  { pod: 'pod_c', collection: 'api', transport: 'rest' },
])('with $pod stopped ($collection, $transport transport)', ({ pod, collection, transport }) => {
  beforeAll(() => {
    expect(edge.config.registry.pods[pod]!.transport).toBe(transport)
    expect(stopDatabase(opts, pod)).toBe(true)
  })
  afterAll(() => startDatabase(opts, pod))

  it('its collection answers 503 pod_unavailable, well within the statement timeout', async () => {
    const started = performance.now()
    const res = await search([collection])
    const elapsed = performance.now() - started
    expect(res.status).toBe(503)
    const body = (await res.json()) as ErrorBody
    expect(body.error.code).toBe('pod_unavailable')
    expect(body.error.message).toContain(pod)
    // A refused connection must not wait out the timeout (5 s here); this bounds hanging, not speed.
    expect(elapsed).toBeLessThan(5000)
  })

  it('the other collections keep answering', async () => {
    const res = await search(['docs'])
    expect(res.status).toBe(200)
    expect(((await res.json()) as Body).data.map((h) => h.id)).toEqual([`${run}-docs`])
  })

  it("fan-out returns the healthy pods' results with meta.partial, in-process and under Deno", async () => {
    for (const res of [await search(['docs', collection]), await viaDeno(['docs', collection])]) {
      expect(res.status).toBe(200)
      const body = (await res.json()) as Body
      expect(body.data.map((h) => h.id)).toEqual([`${run}-docs`])
      expect(body.meta.partial).toBe(true)
      expect(body.meta.errors).toEqual([expect.objectContaining({ collection, code: 'pod_unavailable' })])
    }
  })

  it('health reports the pod down', async () => {
    const res = await call('GET', '/health')
    expect(res.status).toBe(503)
    const body = (await res.json()) as { status: string; pods: Record<string, { ok: boolean }> }
    expect(body.status).toBe('degraded')
    expect(body.pods[pod]!.ok).toBe(false)
    expect(body.pods.pod_a!.ok).toBe(true)
  })

  it('recovers when the pod is back, without restarting the edge', async () => {
    startDatabase(opts, pod)
    // The pool (or the pod's PostgREST) reconnects on the next request; allow it a few tries.
    let res = await search(['docs', collection])
    for (let i = 0; i < 20 && ((await res.clone().json()) as Body).meta.partial; i++) {
      await new Promise((r) => setTimeout(r, 250))
      res = await search(['docs', collection])
    }
    const body = (await res.json()) as Body
    expect(body.meta.partial).toBeUndefined()
    expect(body.data.map((h) => h.id).sort()).toEqual([`${run}-docs`, `${run}-${collection}`].sort())
    expect((await viaDeno([collection])).status).toBe(200)
  })
})
