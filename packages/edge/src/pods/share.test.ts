import { describe, expect, it } from 'vitest'
import { podShare } from './share.ts'

/** A piece of work that finishes when told to, recording when it started. */
function held(log: string[], name: string) {
  let finish = () => {}
  const done = new Promise<void>((resolve) => (finish = resolve))
  const work = () => {
    log.push(name)
    return done.then(() => name)
  }
  return { work, finish }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('podShare', () => {
  it('runs at most perCaller of one caller’s searches on a pod, and lets another caller past the queue', async () => {
    const share = podShare({ perPod: 4, perCaller: 2, maxWaiting: 16 })
    const log: string[] = []
    const hostile = Array.from({ length: 6 }, (_, i) => held(log, `h${i}`))
    const runs = hostile.map((h) => share.run('pod_a', 'address:h', h.work))
    await tick()
    expect(log).toEqual(['h0', 'h1'])
    expect(share.usage('pod_a')).toEqual({ running: 2, waiting: 4 })
    const normal = held(log, 'n0')
    const normalRun = share.run('pod_a', 'address:n', normal.work)
    await tick()
    expect(log).toEqual(['h0', 'h1', 'n0'])
    normal.finish()
    expect(await normalRun).toBe('n0')
    hostile[0]!.finish()
    await tick()
    expect(log).toEqual(['h0', 'h1', 'n0', 'h2'])
    for (const h of hostile) h.finish()
    expect(await Promise.all(runs)).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'h5'])
    expect(share.usage('pod_a')).toEqual({ running: 0, waiting: 0 })
  })

  it('keeps public work to perPod on a pod, never holds service_role, and refuses past maxWaiting', async () => {
    const share = podShare({ perPod: 2, perCaller: 2, maxWaiting: 1 })
    const log: string[] = []
    const a = held(log, 'a')
    const b = held(log, 'b')
    const c = held(log, 'c')
    const runs = [share.run('pod_a', 'user:1', a.work), share.run('pod_a', 'user:2', b.work), share.run('pod_a', 'user:3', c.work)]
    await tick()
    expect(log).toEqual(['a', 'b'])
    // Another pod has its own share; service_role runs at once.
    expect(await share.run('pod_b', 'user:1', async () => 'other pod')).toBe('other pod')
    expect(await share.run('pod_a', undefined, async () => 'service')).toBe('service')
    await expect(share.run('pod_a', 'user:4', async () => 'late')).rejects.toMatchObject({ code: 'rate_limited', status: 429 })
    a.finish()
    b.finish()
    c.finish()
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c'])
  })

  it('frees the turn when the work fails', async () => {
    const share = podShare({ perPod: 1, perCaller: 1, maxWaiting: 4 })
    await expect(share.run('pod_a', 'user:1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await share.run('pod_a', 'user:1', async () => 'next')).toBe('next')
  })
})
