import { describe, expect, it } from 'vitest'
import { fakePod } from '../testing/fake-pod.ts'
import type { GuardedPod } from './breaker.ts'
import { replicaSet } from './replicas.ts'

/** A fake replica whose lag and breaker state the test sets. */
function fakeReplica(name: string, lag: { ms: number | Error }, open = { value: false }): { name: string; client: GuardedPod } {
  const base = fakePod(name, ['docs'])
  return {
    name,
    client: {
      ...base,
      lagMs: async () => {
        if (lag.ms instanceof Error) throw lag.ms
        return lag.ms
      },
      state: () => ({ open: open.value, since: 0, reason: '', requestTimeouts: 0 }),
    },
  }
}

const settle = () => new Promise((r) => setTimeout(r, 30))

describe('replicaSet', () => {
  it('spreads reads over the replicas close enough behind, and skips one too far behind, unreachable or with an open breaker', async () => {
    const lagA = { ms: 10 as number | Error }
    const lagB = { ms: 10 as number | Error }
    const openB = { value: false }
    const set = replicaSet([fakeReplica('pod_a/r1', lagA), fakeReplica('pod_a/r2', lagB, openB)], 500, 10)
    await settle()
    const picks = new Set(Array.from({ length: 4 }, () => set.pick()?.name))
    expect(picks).toEqual(new Set(['pod_a/r1', 'pod_a/r2']))

    lagB.ms = 5000
    await settle()
    expect(Array.from({ length: 3 }, () => set.pick()?.name)).toEqual(['pod_a/r1', 'pod_a/r1', 'pod_a/r1'])
    expect(set.lags()).toEqual({ 'pod_a/r1': 10, 'pod_a/r2': 5000 })

    lagB.ms = 0
    openB.value = true
    lagA.ms = new Error('connection refused')
    await settle()
    expect(set.pick()).toBeUndefined()
    await set.close()
  })

  it('uses no replica before its first lag check answers', () => {
    const set = replicaSet([fakeReplica('pod_a/r1', { ms: 0 })], 500, 1000)
    expect(set.pick()).toBeUndefined()
    void set.close()
  })
})
