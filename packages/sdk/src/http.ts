import { errorFromResponse, VecpodsError } from './errors.ts'

/** An answer from the edge function, however it was reached. */
export interface Answer {
  status: number
  body: unknown
  headers: Headers
}

/** Sends one request to the edge function (`path` below the function, e.g. `/search`). */
export type Invoke = (path: string, init: { method: 'GET' | 'POST' | 'DELETE'; body?: unknown; signal: AbortSignal }) => Promise<Answer>

export interface RetryPolicy {
  /** Extra attempts for idempotent reads (default 2). */
  retries: number
  /** First backoff in ms (default 250); doubled per attempt, full jitter, capped by `maxDelayMs`. */
  baseDelayMs: number
  maxDelayMs: number
  random: () => number
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 250, maxDelayMs: 5000, random: Math.random }
export const DEFAULT_TIMEOUT_MS = 15_000

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504])

/** Waits before attempt `n + 1`: `Retry-After` when the server gave one, else jittered backoff. */
export function retryDelay(attempt: number, headers: Headers | undefined, policy: RetryPolicy): number {
  const after = headers?.get('retry-after')
  if (after) {
    const seconds = Number(after)
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - Date.now()
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), policy.maxDelayMs)
  }
  return Math.round(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt))
}

/** One signal that aborts when any of the given ones does. */
export function anySignal(signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals)
  const controller = new AbortController()
  for (const s of signals) {
    if (s.aborted) controller.abort(s.reason)
    else s.addEventListener('abort', () => controller.abort(s.reason), { once: true })
  }
  return controller.signal
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error)
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason as Error)
      },
      { once: true },
    )
  })
}

export interface CallOptions {
  signal?: AbortSignal | undefined
  timeoutMs?: number | undefined
  /** Reads are retried on 408/429/5xx and network failures; writes never are. */
  idempotent: boolean
  retry: RetryPolicy
}

/**
 * Calls the edge through `invoke` with a timeout and, for idempotent reads, retries; returns the
 * body of a 2xx answer and throws `VecpodsError` for everything else.
 */
export async function call<T>(invoke: Invoke, path: string, method: 'GET' | 'POST' | 'DELETE', body: unknown, options: CallOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = anySignal(options.signal ? [options.signal, timeout] : [timeout])
  const attempts = options.idempotent ? options.retry.retries + 1 : 1
  for (let attempt = 0; ; attempt++) {
    let failure: VecpodsError
    let headers: Headers | undefined
    try {
      const answer = await invoke(path, { method, body, signal })
      if (answer.status >= 200 && answer.status < 300) return answer.body as T
      failure = errorFromResponse(answer.status, answer.body)
      headers = answer.headers
      if (!RETRYABLE.has(answer.status)) throw failure
    } catch (error) {
      if (options.signal?.aborted) throw new VecpodsError('aborted', 'the request was aborted', 0, { cause: error })
      if (timeout.aborted) throw new VecpodsError('timeout', `no answer within ${timeoutMs} ms`, 0, { cause: error })
      if (error instanceof VecpodsError) {
        if (!RETRYABLE.has(error.status)) throw error
        failure = error
      } else {
        failure = new VecpodsError('network_error', `the request failed: ${(error as Error).message}`, 0, { cause: error })
      }
    }
    if (attempt + 1 >= attempts) throw failure
    try {
      await sleep(retryDelay(attempt, headers, options.retry), signal)
    } catch (error) {
      if (options.signal?.aborted) throw new VecpodsError('aborted', 'the request was aborted', 0, { cause: error })
      throw new VecpodsError('timeout', `no answer within ${timeoutMs} ms`, 0, { cause: error })
    }
  }
}
