// The per-caller limits through the stack's gateway and Deno function (registry publicLimits):
// a signed-in user past requestsPerMinute gets 429 rate_limited with Retry-After while another
// user and service_role go on; one client with more than concurrentRequests searches in flight
// gets 429 for the extra ones, and its admitted searches all answer.
import { PRIMARY } from '@vecpods/registry'
import { stackEndpoints, stackEnvironment, stackOptions } from '@vecpods/stack'
import { SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'

const opts = stackOptions(process.env, () => {})
const run = `limits-${Date.now().toString(36)}`
let env: Record<string, string>
let secret: Uint8Array
const limits = opts.registry.publicLimits

beforeAll(async () => {
  env = await stackEnvironment(opts)
  secret = new TextEncoder().encode((await stackEndpoints(opts)).find((e) => e.project === PRIMARY)!.jwtSecret)
})

const userToken = (sub: string) => new SignJWT({ role: 'authenticated', sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(secret)

async function call(token: string, path: string, body?: unknown) {
  const res = await fetch(`${env.SUPABASE_URL}/functions/v1/vector-search${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { apikey: env.SUPABASE_ANON_KEY!, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json = (await res.json()) as { error?: { code: string; message: string } }
  return { status: res.status, error: json.error, headers: res.headers }
}

describe('per-caller limits on the real stack', () => {
  it('a user past requestsPerMinute gets 429 rate_limited with Retry-After; others are not held', async () => {
    const alice = await userToken(`${run}-alice`)
    // The limiter's minute windows are the same for every caller and do not start with this test:
    // read what is left from its headers, spend it eight at a time, then one at a time to the end.
    let remaining = limits.requestsPerMinute
    let last = await call(alice, '/collections')
    for (let sent = 1; last.status === 200 && sent < 3 * limits.requestsPerMinute; sent++) {
      remaining = Number(last.headers.get('ratelimit-remaining'))
      if (remaining > 16) {
        const batch = await Promise.all(Array.from({ length: 8 }, () => call(alice, '/collections')))
        sent += 7
        expect(batch.map((r) => r.status)).toEqual(Array(8).fill(200))
        last = batch.at(-1)!
      } else last = await call(alice, '/collections')
    }
    expect(last.status).toBe(429)
    // Refused right after the window's last allowed request.
    expect(remaining).toBe(0)
    expect(last.error?.code).toBe('rate_limited')
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(last.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect((await call(await userToken(`${run}-bob`), '/collections')).status).toBe(200)
    const service = await call(env.SUPABASE_SERVICE_ROLE_KEY!, '/collections')
    expect([service.status, service.headers.get('ratelimit-limit')]).toEqual([200, null])
  }, 120_000)

  it('more than concurrentRequests in flight from one user: the extra ones get 429, the rest answer', async () => {
    const carol = await userToken(`${run}-carol`)
    // Searches that wait their turn on the pod (podShare.perCaller), so they are in flight together.
    const n = limits.concurrentRequests + 4
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        call(carol, '/search', {
          collection: 'docs',
          query: `concurrent search ${i}`,
          mode: 'hybrid',
          limit: 10,
          filters: { $or: [{ year: { $gte: 3000 + i } }] },
        }),
      ),
    )
    const refused = results.filter((r) => r.status === 429)
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.every((r) => r.error?.message.includes('in flight'))).toBe(true)
    expect(results.filter((r) => r.status !== 429).map((r) => r.status)).toEqual(Array(n - refused.length).fill(200))
  }, 60_000)
})
