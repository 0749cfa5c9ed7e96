import { VecpodsError } from '../errors.ts'
import { isDeadline } from './deadline.ts'
import type { PodClient } from './types.ts'

export interface BreakerOptions {
  /** How often a down pod is probed (default 250 ms). */
  probeIntervalMs?: number
  /** Told when the circuit opens or closes (for logs). */
  onChange?: (pod: string, state: 'open' | 'closed', reason: string) => void
}

/** A pod client behind a circuit breaker; `state` says whether calls currently reach the pod. */
export interface GuardedPod extends PodClient {
  state(): { open: boolean; since: number; reason: string }
}

/** Failures that say the pod itself is gone or frozen, as opposed to a request it refused or a slow query it cancelled. */
const podIsDown = (error: unknown) => (error instanceof VecpodsError && error.code === 'pod_unavailable') || isDeadline(error)

/**
 * Fails fast while a pod is down, and notices at once when it is back. The first call that finds
 * the pod unreachable (connection refused or reset) or unresponsive (the edge's deadline) opens
 * the circuit: from then on every call answers 503 `pod_unavailable` without touching the pod,
 * and `client.probe()` (a fresh, short-deadline connection) runs every `probeIntervalMs` until
 * it succeeds, which closes the circuit. No traffic is needed to recover.
 */
export function withBreaker(client: PodClient, options: BreakerOptions = {}): GuardedPod {
  const interval = options.probeIntervalMs ?? 250
  let open = false
  let since = 0
  let reason = ''
  let timer: ReturnType<typeof setTimeout> | undefined

  const probe = async () => {
    timer = undefined
    try {
      await client.probe()
      open = false
      options.onChange?.(client.pod, 'closed', `probe succeeded after ${Math.round(performance.now() - since)} ms`)
    } catch {
      schedule()
    }
  }
  const schedule = () => {
    timer = setTimeout(probe, interval)
    // A pending probe must not keep a process (a test, a CLI) alive.
    ;(timer as { unref?: () => void }).unref?.()
  }
  const trip = (error: unknown) => {
    if (open || !podIsDown(error)) return
    open = true
    since = performance.now()
    reason = (error as Error).message
    options.onChange?.(client.pod, 'open', reason)
    schedule()
  }
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    if (open) {
      const ms = Math.round(performance.now() - since)
      throw new VecpodsError('pod_unavailable', `pod "${client.pod}" is unavailable (down for ${ms} ms: ${reason})`)
    }
    try {
      return await work()
    } catch (error) {
      trip(error)
      throw error
    }
  }

  return {
    pod: client.pod,
    search: (q) => call(() => client.search(q)),
    textSearch: (q) => call(() => client.textSearch(q)),
    upsert: (collection, model, records) => call(() => client.upsert(collection, model, records)),
    deleteIds: (collection, ids) => call(() => client.deleteIds(collection, ids)),
    deleteWhere: (collection, filter) => call(() => client.deleteWhere(collection, filter)),
    catalog: () => call(() => client.catalog()),
    modelOf: (collection) => call(() => client.modelOf(collection)),
    ping: () => call(() => client.ping()),
    ...(client.lagMs ? { lagMs: () => call(() => client.lagMs!()) } : {}),
    probe: () => client.probe(),
    state: () => ({ open, since, reason }),
    close: async () => {
      clearTimeout(timer)
      await client.close()
    },
  }
}
