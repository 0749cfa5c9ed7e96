// Issue 26's starvation test, on both transports, through the stack's gateway and Deno function:
// one anonymous client (its own loopback address, as the gateway sees it) keeps 8 costly searches
// in flight (the widest filters the public limits allow, and the 64 × 100 $in filter they refuse),
// while another anonymous client searches the same collection one request at a time. The normal
// searcher's p95 stays within 3× its quiet p95 and none of its requests fail: the hostile client's
// searches get their own turns on the pod (publicLimits.podShare), its requests a minute are
// bounded (publicLimits.requestsPerMinute), and its filters by the filter limits.
import { request } from 'node:http'
import { DEFAULT_FILTER_LIMITS } from '@vecpods/registry'
import { stackEnvironment, stackOptions } from '@vecpods/stack'
import { beforeAll, describe, expect, it } from 'vitest'

const opts = stackOptions(process.env, () => {})
let env: Record<string, string>
// 100 paced searches a phase: the p95 of 60 was the third slowest, and on a machine kept busy by
// stress-ng one slow answer moved the ratio from 2.3× to 3.0×.
const SAMPLES = 100
/**
 * Each test's two clients, on loopback addresses of their own (the gateway keys anonymous callers
 * on them), drawn for this run: the function's per-caller counts outlive a run, and a second run
 * within the minute from the same addresses found its hostile client already over its rate.
 */
const NET = `127.${1 + Math.floor(Math.random() * 254)}.${Math.floor(Math.random() * 256)}`
const ADDRESSES = { docs: { normal: `${NET}.2`, hostile: `${NET}.3` }, api: { normal: `${NET}.4`, hostile: `${NET}.5` } }
const FLOOD = process.env.STARVATION_FLOOD !== '0'

beforeAll(async () => {
  env = await stackEnvironment(opts)
})

/** POSTs a search through the gateway from a given local address; its status and time. */
function searchFrom(address: string, body: unknown): Promise<{ status: number; ms: number }> {
  const url = new URL(`${env.SUPABASE_URL}/functions/v1/vector-search/search`)
  const key = env.SUPABASE_ANON_KEY!
  const payload = JSON.stringify(body)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: address,
        headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }))
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!

/** The widest filters within the public limits, each spending them another way (as `pnpm bench:cost`). */
function widestFilters(): Array<Record<string, unknown>> {
  const { maxComparisons, maxDepth } = DEFAULT_FILTER_LIMITS
  const values = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}-${'x'.repeat(24)}`)
  const half = Math.floor(maxComparisons / 2)
  const perLevel = Math.max(1, Math.floor((maxComparisons - 1) / maxDepth))
  const nest = (d: number): Record<string, unknown> =>
    d === 1
      ? { $or: [{ package: { $in: values(perLevel, `n${d}`) } }, { version: { $gte: '9' } }] }
      : { $or: [nest(d - 1), { package: { $in: values(perLevel, `m${d}`) } }] }
  return [
    { $or: [{ package: { $in: values(half, 'p') } }, { section: { $in: values(maxComparisons - half, 's') } }] },
    { $or: Array.from({ length: maxComparisons }, (_, i) => ({ year: { $gte: 3000 + i } })) },
    { $or: Array.from({ length: maxComparisons }, (_, i) => ({ package: { $ne: `p-${i}` } })) },
    nest(maxDepth),
  ]
}

const refusedFilter = { $or: Array.from({ length: 64 }, (_, i) => ({ a: { $in: Array.from({ length: 100 }, (_, j) => `value-${i}-${j}-xxxxxxxx`) } })) }
const QUESTIONS = ['how do I read a file', 'parse command line arguments', 'connect to a database', 'hash a password', 'send an http request']

describe.each([
  ['docs', 'SQL transport'],
  ['api', 'PostgREST transport'],
] as const)('%s (%s): 8 costly anonymous searches in flight', (collection, _transport) => {
  const NORMAL = ADDRESSES[collection].normal
  const HOSTILE = ADDRESSES[collection].hostile
  it('leave another anonymous searcher its p95 within 3× of quiet, with no request failed', async () => {
    const normal = async () => {
      const times: number[] = []
      const statuses: number[] = []
      // A person's pace (well under the 20 requests a second a caller may send).
      for (let i = 0; i < SAMPLES; i++) {
        const r = await searchFrom(NORMAL, { collection, query: QUESTIONS[i % QUESTIONS.length], limit: 10 })
        times.push(r.ms)
        statuses.push(r.status)
        await new Promise((resolve) => setTimeout(resolve, 80))
      }
      return { times, statuses }
    }
    // Warm: the model and the query cache, then the quiet figure.
    for (const q of QUESTIONS) expect((await searchFrom(NORMAL, { collection, query: q, limit: 10 })).status).toBe(200)
    const quiet = await normal()
    expect(quiet.statuses.every((s) => s === 200)).toBe(true)

    const filters = widestFilters()
    const hostile: Record<number, number> = {}
    let stop = false
    const loops = Array.from({ length: 8 }, async (_, worker) => {
      for (let i = 0; !stop; i++) {
        const filter = worker === 7 && FLOOD ? refusedFilter : filters[(worker + i) % filters.length]
        const mode = i % 2 ? 'hybrid' : 'vector'
        const r = await searchFrom(HOSTILE, { collection, query: `costly ${worker} ${i}`, mode, limit: 10, filters: filter })
        hostile[r.status] = (hostile[r.status] ?? 0) + 1
      }
    })
    // Let the hostile load build up before measuring.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const loaded = await normal()
    stop = true
    await Promise.all(loops)

    console.log(
      `starvation ${collection}: quiet p95 ${p95(quiet.times).toFixed(1)} ms, under load p95 ${p95(loaded.times).toFixed(1)} ms (${(p95(loaded.times) / p95(quiet.times)).toFixed(2)}×); hostile answers ${JSON.stringify(hostile)}`,
    )
    expect(loaded.statuses.filter((s) => s !== 200)).toEqual([])
    expect(p95(loaded.times)).toBeLessThanOrEqual(3 * p95(quiet.times))
    // The hostile client's searches did run (and its refused filter was refused), not just bounce.
    expect(hostile[200]).toBeGreaterThan(0)
    if (FLOOD) expect(hostile[413]).toBeGreaterThan(0)
  }, 120_000)
})
