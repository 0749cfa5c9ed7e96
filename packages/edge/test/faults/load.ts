/** One request of a bounded load: when it started (ms from the load's start), how long it took, what it answered. */
export interface Sample {
  kind: string
  at: number
  ms: number
  status: number
  code?: string
  partial?: boolean
}

export interface LoadOptions {
  workers: number
  /**
   * How long the load runs at most, in ms. With `until`, the load ends when that settles (or at
   * this cap, whichever is first), so a fault's observation window follows what actually happened
   * rather than a schedule a busy machine may not keep.
   */
  durationMs: number
  until?: Promise<unknown>
  /** The instant `at` is measured from (default: the load's start), shared with the fault's own clock. */
  origin?: number
  maxRequests?: number
  pauseMs?: number
}

/**
 * Runs `workers` loops, each sending one of `kinds` in turn and recording every answer, pausing
 * `pauseMs` (default 10) between requests. Bounded in count (`maxRequests`) and time; loopback only.
 */
export async function boundedLoad(kinds: Record<string, () => Response | Promise<Response>>, options: LoadOptions): Promise<Sample[]> {
  const samples: Sample[] = []
  const start = options.origin ?? performance.now()
  const names = Object.keys(kinds)
  const max = options.maxRequests ?? 5000
  let done = false
  void options.until?.then(
    () => {
      done = true
    },
    () => {
      done = true
    },
  )
  const going = () => !done && performance.now() - start < options.durationMs && samples.length < max
  await Promise.all(
    Array.from({ length: options.workers }, async (_, w) => {
      for (let i = w; going(); i++) {
        const kind = names[i % names.length]!
        const at = performance.now() - start
        const res = await kinds[kind]!()
        const body = (await res.json().catch(() => ({}))) as { error?: { code?: string }; meta?: { partial?: boolean } }
        samples.push({
          kind,
          at,
          ms: performance.now() - start - at,
          status: res.status,
          ...(body.error?.code ? { code: body.error.code } : {}),
          ...(body.meta?.partial ? { partial: true } : {}),
        })
        await new Promise((r) => setTimeout(r, options.pauseMs ?? 10))
      }
    }),
  )
  return samples.sort((a, b) => a.at - b.at)
}

export const round = (ms: number) => Math.round(ms)
