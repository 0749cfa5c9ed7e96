import type { GuardedPod } from './breaker.ts'

/** One read replica of a pod, behind its own circuit breaker. */
export interface Replica {
  /** `pod_a/r1`: how `meta.served_by` names it. */
  name: string
  client: GuardedPod
}

/**
 * A pod's read replicas and which of them may serve a search now: answering (breaker closed) and
 * no further behind than `maxLagMs`, as a background check every `intervalMs` measures. Until a
 * replica's first check, and while a check fails, it serves nothing. Picks round-robin.
 */
export interface ReplicaSet {
  pick(): Replica | undefined
  /** The last measured lag of each replica (undefined: unknown or unreachable). */
  lags(): Record<string, number | undefined>
  close(): Promise<void>
}

export function replicaSet(replicas: Replica[], maxLagMs: number, intervalMs = 1000): ReplicaSet {
  const lag = new Map<string, number | undefined>()
  let next = 0
  const check = () =>
    Promise.all(
      replicas.map(async (r) => {
        lag.set(r.name, await r.client.lagMs!().catch(() => undefined))
      }),
    )
  void check()
  const timer = setInterval(check, intervalMs)
  ;(timer as unknown as { unref?: () => void }).unref?.()
  return {
    pick() {
      const usable = replicas.filter((r) => {
        const behind = lag.get(r.name)
        return behind !== undefined && behind <= maxLagMs && !r.client.state().open
      })
      if (!usable.length) return undefined
      next = (next + 1) % usable.length
      return usable[next]
    },
    lags: () => Object.fromEntries(replicas.map((r) => [r.name, lag.get(r.name)])),
    close: async () => {
      clearInterval(timer)
      await Promise.all(replicas.map((r) => r.client.close()))
    },
  }
}
