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
  state(): { open: boolean; since: number; reason: string; requestTimeouts: number }
}

/** Failures that say the pod itself is gone: the connection refused, reset or closed. */
const unreachable = (error: unknown) => error instanceof VecpodsError && error.code === 'pod_unavailable'

/**
 * Fails fast while a pod is down, and notices at once when it is back. The first call that finds
 * the pod unreachable (connection refused or reset) opens the circuit: from then on every call
 * answers 503 `pod_unavailable` without touching the pod, and `client.probe()` (a fresh,
 * short-deadline connection) runs every `probeIntervalMs` until it succeeds, which closes the
 * circuit. No traffic is needed to recover.
 *
 * A call that outlives the edge's deadline may be a frozen pod or only a costly request: one
 * probe tells them apart. If the pod answers it, the timeout was that request's own (counted in
 * `requestTimeouts`, the circuit stays closed, so one caller's heavy query cannot make the pod
 * unavailable to everyone); if not, the circuit opens.
 */
export function withBreaker(client: PodClient, options: BreakerOptions = {}): GuardedPod {
  const interval = options.probeIntervalMs ?? 250
  let open = false
  let since = 0
  let reason = ''
  let timer: ReturnType<typeof setTimeout> | undefined
  /** Calls that outlived the deadline while the pod answered a probe: the requests' own cost. */
  let requestTimeouts = 0
  let pendingTimeouts = 0
  let confirming: Promise<void> | undefined

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
  const openWith = (why: string) => {
    if (open) return
    open = true
    since = performance.now()
    reason = why
    options.onChange?.(client.pod, 'open', reason)
    schedule()
  }
  const trip = (error: unknown) => {
    if (open) return
    if (unreachable(error)) return openWith((error as Error).message)
    if (!isDeadline(error)) return
    // One probe at a time decides what a deadline meant, however many calls hit it at once.
    pendingTimeouts++
    if (confirming) return
    confirming = client
      .probe()
      .then(
        () => {
          requestTimeouts += pendingTimeouts
        },
        () => openWith(`${(error as Error).message}, and a probe got no answer either`),
      )
      .finally(() => {
        pendingTimeouts = 0
        confirming = undefined
      })
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
    upsert: (collection, model, records, actAs) => call(() => client.upsert(collection, model, records, actAs)),
    deleteIds: (collection, ids, actAs) => call(() => client.deleteIds(collection, ids, actAs)),
    deleteWhere: (collection, filter, actAs) => call(() => client.deleteWhere(collection, filter, actAs)),
    catalog: () => call(() => client.catalog()),
    modelOf: (collection) => call(() => client.modelOf(collection)),
    ping: () => call(() => client.ping()),
    ...(client.lagMs ? { lagMs: () => call(() => client.lagMs!()) } : {}),
    probe: () => client.probe(),
    state: () => ({ open, since, reason, requestTimeouts }),
    close: async () => {
      clearTimeout(timer)
      await client.close()
    },
  }
}
