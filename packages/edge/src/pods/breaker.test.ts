import { describe, expect, it } from 'vitest'
import { VecpodsError } from '../errors.ts'
import { fakePod, podDown } from '../testing/fake-pod.ts'
import { withBreaker } from './breaker.ts'
import { deadlineExpired } from './deadline.ts'
import type { PodSearch } from './types.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const search: PodSearch = {
  collection: 'docs',
  measure: 'cosine',
  vector: [1, 0, 0],
  limit: 1,
  includeMetadata: true,
  includeValue: false,
  efSearch: 40,
  exact: false,
}
const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok').catch((e: VecpodsError) => e.code)

describe('withBreaker', () => {
  it('opens on the first sign the pod is gone, answers 503 without calling it, and closes when a probe succeeds', async () => {
    const pod = fakePod('pod_a', ['docs'])
    const changes: string[] = []
    const guarded = withBreaker(pod, { probeIntervalMs: 20, onChange: (_, state) => changes.push(state) })
    pod.failure = podDown('pod_a')
    expect(await codeOf(guarded.search(search))).toBe('pod_unavailable')
    expect(guarded.state().open).toBe(true)
    const started = performance.now()
    for (let i = 0; i < 50; i++) expect(await codeOf(guarded.search(search))).toBe('pod_unavailable')
    expect(performance.now() - started).toBeLessThan(50)
    expect(pod.searches).toHaveLength(0)
    pod.failure = undefined
    await sleep(80)
    expect(guarded.state().open).toBe(false)
    expect(await codeOf(guarded.search(search))).toBe('ok')
    expect(changes).toEqual(['open', 'closed'])
  })

  it('opens on the edge’s own deadline when a probe gets no answer either (a frozen pod), not on a refused request or a server-side timeout', async () => {
    const pod = fakePod('pod_a', ['docs'])
    const guarded = withBreaker(pod, { probeIntervalMs: 10_000 })
    pod.failure = new VecpodsError('invalid_request', 'pod refused the data')
    expect(await codeOf(guarded.search(search))).toBe('invalid_request')
    pod.failure = new VecpodsError('timeout', 'statement timeout on the pod')
    expect(await codeOf(guarded.search(search))).toBe('timeout')
    expect(guarded.state().open).toBe(false)
    pod.failure = deadlineExpired('pod_a', 100)
    expect(await codeOf(guarded.search(search))).toBe('timeout')
    await sleep(10)
    expect(guarded.state()).toMatchObject({ open: true, requestTimeouts: 0 })
    expect(guarded.state().reason).toMatch(/a probe got no answer either/)
    await guarded.close()
  })

  it('keeps the circuit closed when a request outlives the deadline but the pod answers a probe (one caller’s costly query)', async () => {
    const pod = fakePod('pod_a', ['docs'])
    const guarded = withBreaker(pod, { probeIntervalMs: 10_000 })
    pod.failure = deadlineExpired('pod_a', 100)
    pod.probeFailure = null
    const codes = await Promise.all(Array.from({ length: 6 }, () => codeOf(guarded.search(search))))
    expect(codes).toEqual(Array(6).fill('timeout'))
    await sleep(10)
    // Six timeouts at once, one probe, which found the pod well: six of the requests' own.
    expect(guarded.state()).toMatchObject({ open: false, requestTimeouts: 6 })
    pod.failure = undefined
    expect(await codeOf(guarded.search(search))).toBe('ok')
    await guarded.close()
  })
})
