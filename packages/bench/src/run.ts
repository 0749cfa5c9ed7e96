/** What one closed-loop run measured. */
export interface RunResult<T> {
  /** Milliseconds per successful request, in completion order. */
  latencies: number[]
  /** The answer to each of the first `queries.length` requests (undefined where it failed). */
  answers: (T | undefined)[]
  wallMs: number
  /** Successful requests per second over the whole run. */
  throughput: number
  errors: number
  firstError?: string
}

export interface RunOptions {
  concurrency: number
  /** Requests in total; queries are reused round-robin when there are more requests than queries. */
  requests: number
  onRequest?: () => void
}

/**
 * A closed loop: `concurrency` workers each send one request, wait for its answer, then send the
 * next, until `requests` were sent. Failed requests are counted, not timed.
 */
export async function runClosedLoop<Q, T>(call: (q: Q) => Promise<T>, queries: readonly Q[], options: RunOptions): Promise<RunResult<T>> {
  if (queries.length === 0) throw new Error('runClosedLoop needs at least one query')
  const latencies: number[] = []
  const answers: (T | undefined)[] = new Array(Math.min(queries.length, options.requests)).fill(undefined)
  let next = 0
  let errors = 0
  let firstError: string | undefined
  const worker = async () => {
    while (next < options.requests) {
      const i = next++
      const started = performance.now()
      try {
        const answer = await call(queries[i % queries.length]!)
        latencies.push(performance.now() - started)
        if (i < answers.length) answers[i] = answer
      } catch (error) {
        errors++
        firstError ??= error instanceof Error ? error.message : String(error)
      }
      options.onRequest?.()
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker))
  const wallMs = performance.now() - started
  return {
    latencies,
    answers,
    wallMs,
    throughput: (latencies.length / wallMs) * 1000,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
  }
}

/** What one path answered in an interleaved run. */
export interface InterleavedResult<T> {
  latencies: number[]
  answers: (T | undefined)[]
  /** Requests per second while this path's requests ran (one at a time). */
  throughput: number
  errors: number
  firstError?: string
}

/**
 * One request at a time, every call in turn on the same query, the order rotating each round:
 * noise on a shared machine (a background vacuum, another process) falls on all calls alike, so
 * their latencies can be compared with each other. `rounds` queries are sent to each call.
 */
export async function runInterleaved<Q, T>(
  calls: readonly ((q: Q) => Promise<T>)[],
  queries: readonly Q[],
  rounds: number,
  onRound?: () => void,
): Promise<InterleavedResult<T>[]> {
  if (queries.length === 0) throw new Error('runInterleaved needs at least one query')
  const out = calls.map(() => ({
    latencies: [] as number[],
    answers: new Array<T | undefined>(Math.min(queries.length, rounds)).fill(undefined),
    errors: 0,
    firstError: undefined as string | undefined,
  }))
  for (let round = 0; round < rounds; round++) {
    const query = queries[round % queries.length]!
    for (let k = 0; k < calls.length; k++) {
      const i = (round + k) % calls.length
      const slot = out[i]!
      const started = performance.now()
      try {
        const answer = await calls[i]!(query)
        slot.latencies.push(performance.now() - started)
        if (round < slot.answers.length) slot.answers[round] = answer
      } catch (error) {
        slot.errors++
        slot.firstError ??= error instanceof Error ? error.message : String(error)
      }
    }
    onRound?.()
  }
  return out.map(({ firstError, ...r }) => ({
    ...r,
    throughput: r.latencies.length ? (r.latencies.length / r.latencies.reduce((a, b) => a + b, 0)) * 1000 : 0,
    ...(firstError !== undefined ? { firstError } : {}),
  }))
}
