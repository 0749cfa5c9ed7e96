// The costly search of issue 26 (a filter of 64 × 100-value $in, well under the public body limit)
// on both transports. From the anon key, through the stack's function, it is refused before it
// runs (publicLimits.filter). From service_role, which the limits do not bound, through an edge in
// this process with a 1 s pod deadline (every run of it outlives that), it answers
// 504 within the deadline, the pod's work on it is gone when the answer arrives (no second run on
// the pod after a replica gave up; PostgREST's statement bounded by the edge's deadline), and the
// pod stays open to everyone else (the circuit breaker does not take one request's timeout for an
// outage).
import { adminSql, stackEnvironment, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FaultEdge, faultEdge } from '../faults/edge.ts'

const opts = stackOptions(process.env, () => {})
const TIMEOUT_MS = 1000
const ROWS = 3000
const run = `costly-${Date.now().toString(36)}`
const DEADLINE_MS = TIMEOUT_MS + 250
let env: Record<string, string>
let edge: FaultEdge

const costly = {
  $or: Array.from({ length: 64 }, (_, i) => ({ a: { $in: Array.from({ length: 100 }, (_, j) => `value-${i}-${j}-xxxxxxxx`) } })),
}

async function search(collection: string, filters?: unknown) {
  const key = env.SUPABASE_ANON_KEY!
  const started = performance.now()
  const res = await fetch(`${env.SUPABASE_URL}/functions/v1/vector-search/search`, {
    method: 'POST',
    headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ collection, query: 'hello world', limit: 3, ...(filters ? { filters } : {}) }),
  })
  const body = (await res.json()) as { error?: { code: string } }
  return { status: res.status, code: body.error?.code, ms: performance.now() - started }
}

/** Statements of the edge's searches still running on these databases. */
async function stillRunning(dbUrls: string[]): Promise<number> {
  let n = 0
  for (const url of dbUrls) {
    const sql = adminSql(url)
    try {
      const rows = await sql`
        select pid from pg_stat_activity
        where backend_type = 'client backend' and pid <> pg_backend_pid() and state = 'active'
          and (query like '%vecpods.search%' or query like '%pgrst_call%')`
      n += rows.length
    } finally {
      await sql.end()
    }
  }
  return n
}

beforeAll(async () => {
  env = await stackEnvironment(opts)
  // The filter is costly because the index is walked row by row testing it: rows of this run's
  // own, so the cost does not hang on what else the collections hold.
  for (const [collection, url] of [
    ['docs', env.VECPODS_POD_A_DB_URL!],
    ['api', env.VECPODS_POD_C_DB_URL!],
  ] as const) {
    const sql = adminSql(url)
    await sql
      .unsafe(
        `insert into vecs.${collection} (id, vec, metadata)
         select '${run}-' || i, (select array_agg(random() - 0.5) from generate_series(1, 384) d where d > -i)::extensions.vector,
           jsonb_build_object('run', '${run}', 'text', 'row ' || i)
         from generate_series(1, ${ROWS}) i`,
      )
      .finally(() => sql.end())
  }
  edge = await faultEdge(opts, { VECPODS_POD_TIMEOUT_MS: String(TIMEOUT_MS) })
  // The embedding model loads on the first query: not part of what is measured.
  for (const collection of ['docs', 'api']) expect((await serviceSearch(collection)).status).toBe(200)
})

afterAll(async () => {
  await Promise.all([...edge.config.pods.values()].map((p) => p.close()))
  for (const [collection, url] of [
    ['docs', env.VECPODS_POD_A_DB_URL!],
    ['api', env.VECPODS_POD_C_DB_URL!],
  ] as const) {
    const sql = adminSql(url)
    await sql.unsafe(`delete from vecs.${collection} where metadata ->> 'run' = '${run}'`).finally(() => sql.end())
  }
})

/** A search through the in-process edge as service_role; its status, code and time. */
async function serviceSearch(collection: string, filters?: unknown) {
  const started = performance.now()
  const res = await edge.call(
    'POST',
    '/search',
    { collection, query: 'hello world', limit: 3, ...(filters ? { filters } : {}) },
    edge.primary.keys.serviceRoleKey,
  )
  const body = (await res.json()) as { error?: { code: string } }
  return { status: res.status, code: body.error?.code, ms: performance.now() - started }
}

describe.each([
  { transport: 'sql, through a read replica', collection: 'docs', dbs: () => [env.VECPODS_POD_A_DB_URL!, env.VECPODS_POD_A_R1_DB_URL!] },
  { transport: 'rest', collection: 'api', dbs: () => [env.VECPODS_POD_C_DB_URL!] },
])('a costly anonymous search ($transport)', ({ collection, dbs }) => {
  it('is refused from the anon key before it runs, naming the limit', async () => {
    expect(JSON.stringify({ collection, filters: costly }).length).toBeLessThan(256 * 1024)
    // Past what any search the public limits allow can hold: refused by its length, unread.
    const r = await search(collection, costly)
    expect(r).toMatchObject({ status: 413, code: 'payload_too_large' })
    // Within that length, the filter's cost is what refuses it.
    const smaller = await search(collection, { $or: costly.$or.slice(0, 2).map((c) => ({ a: { $in: c.a.$in.slice(0, 60) } })) })
    expect(smaller).toMatchObject({ status: 400, code: 'limit_exceeded' })
    expect(r.ms).toBeLessThan(1000)
  })

  it('from service_role: answers 504 within the deadline, leaves no work behind on the pod, and the next search is served', async () => {
    const r = await serviceSearch(collection, costly)
    expect(r).toMatchObject({ status: 504, code: 'timeout' })
    expect(r.ms).toBeLessThan(DEADLINE_MS + 1000)
    // Gone from pg_stat_activity soon after the answer: polled, and the lag reported. Cancelling
    // lands at the next interrupt check, and planning a 6,400-arm OR has few: up to ~0.5 s late
    // was seen with a 400 ms deadline on a busy machine, within 250 ms at the 5 s default.
    const answered = performance.now()
    let left = await stillRunning(dbs())
    while (left > 0 && performance.now() - answered < 1000) {
      await new Promise((res) => setTimeout(res, 25))
      left = await stillRunning(dbs())
    }
    const lag = performance.now() - answered
    expect(left).toBe(0)
    const next = await serviceSearch(collection)
    expect(next.status).toBe(200)
    console.log(
      `costly ${collection}: 504 after ${r.ms.toFixed(0)} ms (deadline ${DEADLINE_MS}); gone from the pods ${lag.toFixed(0)} ms after the answer; next search 200 in ${next.ms.toFixed(0)} ms`,
    )
  }, 30_000)
})
