import type { Context, MiddlewareHandler } from 'hono'
import { rateLimiter } from 'hono-rate-limiter'
import type { Caller } from './auth.ts'
import { VecpodsError } from './errors.ts'
import type { AppEnv } from './routes/env.ts'

export interface CallerLimits {
  /** Requests a caller may make per minute. */
  requestsPerMinute: number
  /** Requests a caller may have in flight at once. */
  concurrentRequests: number
}

/**
 * Who a request counts against: a signed-in user by its `sub`; an anonymous caller by its client
 * address, the last `x-forwarded-for` entry (the address Supabase's gateway saw and appended, so a
 * client cannot choose it), else `x-real-ip`, else the whole anon role as one caller. Undefined for
 * service_role, which is never limited.
 */
export function callerKey(caller: Caller, header: (name: string) => string | undefined): string | undefined {
  if (caller.role === 'service_role') return undefined
  const sub = caller.claims.sub
  if (caller.role === 'authenticated' && typeof sub === 'string' && sub) return `user:${sub}`
  const forwarded = header('x-forwarded-for')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .at(-1)
  const address = forwarded ?? header('x-real-ip')?.trim()
  return address ? `address:${address}` : `role:${caller.role}`
}

/** The key the app's auth middleware gave the caller (callerKey). */
const keyOf = (c: Context<AppEnv>) => c.get('caller').key

/** The rate limit's window: a minute. */
export const RATE_WINDOW_MS = 60_000

/**
 * How long the answer to a caller over its rate is held back. It keeps one of the caller's
 * in-flight places meanwhile, so a client that retries at once (ignoring `Retry-After`) with all its
 * places sends a few requests a second instead of hundreds of cheap ones.
 */
export const OVER_RATE_DELAY_MS = 1000

/**
 * The per-caller limits as middleware, service_role exempt: `concurrentRequests` in flight, then
 * `requestsPerMinute` counted in fixed one-minute windows (hono-rate-limiter,
 * its in-memory store: per function instance; its `RateLimit-*` and `Retry-After` headers). Over
 * either: 429 `rate_limited` (over the rate, after `OVER_RATE_DELAY_MS`).
 */
export function callerLimits(limits: CallerLimits, overRateDelayMs = OVER_RATE_DELAY_MS): MiddlewareHandler<AppEnv>[] {
  const refuse = (c: Context<AppEnv>, message: string) => c.json(new VecpodsError('rate_limited', message).toJSON(), 429)
  const rate = rateLimiter<AppEnv>({
    windowMs: RATE_WINDOW_MS,
    limit: limits.requestsPerMinute,
    standardHeaders: 'draft-6',
    skip: (c) => keyOf(c) === undefined,
    keyGenerator: (c) => keyOf(c)!,
    handler: async (c) => {
      await new Promise((resolve) => setTimeout(resolve, overRateDelayMs))
      return refuse(
        c,
        `more than ${limits.requestsPerMinute} requests a minute from this caller (registry publicLimits.requestsPerMinute, counted per ${RATE_WINDOW_MS / 1000} s); retry after the Retry-After header's seconds`,
      )
    },
  })
  const inFlight = new Map<string, number>()
  const concurrent: MiddlewareHandler<AppEnv> = async (c, next) => {
    const key = keyOf(c)
    if (key === undefined) return next()
    const now = inFlight.get(key) ?? 0
    if (now >= limits.concurrentRequests) {
      c.header('Retry-After', '1')
      return refuse(
        c,
        `more than ${limits.concurrentRequests} requests in flight from this caller (registry publicLimits.concurrentRequests); wait for one to finish`,
      )
    }
    inFlight.set(key, now + 1)
    try {
      await next()
    } finally {
      const left = (inFlight.get(key) ?? 1) - 1
      if (left > 0) inFlight.set(key, left)
      else inFlight.delete(key)
    }
  }
  return [concurrent, rate]
}
