import { describe, expect, it } from 'vitest'
import { asCaller } from './auth.ts'
import { callerKey } from './caller-limits.ts'
import { harness } from './testing/harness.ts'

const headers = (h: Record<string, string>) => (name: string) => h[name]

describe('callerKey', () => {
  it('exempts service_role, keys users by sub and anonymous callers by the address the gateway appended', () => {
    expect(callerKey(asCaller('service_role'), headers({ 'x-forwarded-for': '1.2.3.4' }))).toBeUndefined()
    expect(callerKey({ role: 'authenticated', claims: { sub: 'u1' } }, headers({ 'x-forwarded-for': '1.2.3.4' }))).toBe('user:u1')
    // The client may send its own x-forwarded-for; the gateway's entry is the last one.
    expect(callerKey(asCaller('anon'), headers({ 'x-forwarded-for': '6.6.6.6, 10.0.0.1,203.0.113.9' }))).toBe('address:203.0.113.9')
    expect(callerKey(asCaller('anon'), headers({ 'x-real-ip': '198.51.100.2' }))).toBe('address:198.51.100.2')
    expect(callerKey(asCaller('anon'), headers({}))).toBe('role:anon')
    // Signed in without a sub: counted like an anonymous caller.
    expect(callerKey({ role: 'authenticated', claims: {} }, headers({ 'x-forwarded-for': '1.2.3.4' }))).toBe('address:1.2.3.4')
  })
})

describe('per-caller limits (in process, fake pods)', () => {
  it('answers 429 rate_limited with Retry-After past requestsPerMinute, for that caller only', async () => {
    const h = await harness()
    const rpm = h.registry.publicLimits.requestsPerMinute
    // The limiter's minute windows are the same for every caller: spend what the headers say is left.
    let asked = performance.now()
    let previous: Response | undefined
    let over = await h.request('GET', '/collections', undefined, 'user')
    for (let i = 0; over.status === 200 && i < rpm; i++) {
      previous = over
      asked = performance.now()
      over = await h.request('GET', '/collections', undefined, 'user')
    }
    expect(over.status).toBe(429)
    expect(previous?.headers.get('ratelimit-remaining')).toBe('0')
    // Held back a second (OVER_RATE_DELAY_MS), so a client retrying at once cannot flood.
    expect(performance.now() - asked).toBeGreaterThanOrEqual(950)
    expect(((await over.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: 'rate_limited',
      message: expect.stringContaining(`more than ${rpm} requests a minute`),
    })
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(over.headers.get('ratelimit-remaining')).toBe('0')
    // Other callers keep their own count; service_role has none.
    expect((await h.request('GET', '/collections', undefined, 'anon')).status).toBe(200)
    expect((await h.request('GET', '/collections', undefined, 'service_role')).headers.get('ratelimit-limit')).toBeNull()
  })

  it('answers 429 past concurrentRequests in flight, and admits the caller again once they finish', async () => {
    const h = await harness()
    const n = h.registry.publicLimits.concurrentRequests
    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const search = h.pods.pod_a.search.bind(h.pods.pod_a)
    h.pods.pod_a.search = async (q) => {
      await gate
      return search(q)
    }
    const held = Array.from({ length: n }, () => h.request('POST', '/search', { collection: 'docs', vector: [1, 0, 0] }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    const over = await h.request('POST', '/search', { collection: 'docs', vector: [1, 0, 0] })
    expect(over.status).toBe(429)
    expect(over.headers.get('retry-after')).toBe('1')
    expect(((await over.json()) as { error: { message: string } }).error.message).toContain(`more than ${n} requests in flight`)
    // Another caller is not held up by this one's requests.
    const other = h.request('POST', '/search', { collection: 'docs', vector: [1, 0, 0] }, 'user')
    release()
    expect((await Promise.all(held)).map((r) => r.status)).toEqual(Array(n).fill(200))
    expect((await other).status).toBe(200)
    expect((await h.request('POST', '/search', { collection: 'docs', vector: [1, 0, 0] })).status).toBe(200)
  })
})
