import { describe, expect, it } from 'vitest'
import { podDown } from '../testing/fake-pod.ts'
import { harness } from '../testing/harness.ts'

describe('catalog routes (in process, fake pods)', () => {
  it('lists the collections a role may see, marking those of a pod that does not answer', async () => {
    const { pods, request } = await harness()
    pods.pod_b.failure = podDown('pod_b')
    const anon = await (await request('GET', '/collections')).json()
    expect(anon.data.map((c: { name: string; available: boolean }) => [c.name, c.available])).toEqual([
      ['docs', true],
      ['posts', false],
      ['notes', false],
    ])
    const service = await (await request('GET', '/collections', undefined, 'service_role')).json()
    expect(service.data.map((c: { name: string }) => c.name)).toEqual(['docs', 'posts', 'drafts', 'notes', 'mine'])
  })

  it('reports health per pod: 200 ok, or 503 degraded naming the pod that is down', async () => {
    const { pods, request } = await harness()
    const ok = await request('GET', '/health')
    expect([ok.status, (await ok.json()).status]).toEqual([200, 'ok'])
    pods.pod_a.failure = podDown('pod_a')
    const down = await request('GET', '/health')
    expect(down.status).toBe(503)
    expect((await down.json()).pods).toEqual({ pod_a: { ok: false, error: 'pod_unavailable' }, pod_b: { ok: true, latency_ms: 0.5 } })
  })

  it('answers unknown routes with the error shape', async () => {
    const { request } = await harness()
    const res = await request('GET', '/nope')
    expect([res.status, (await res.json()).error.code]).toEqual([404, 'not_found'])
  })
})
