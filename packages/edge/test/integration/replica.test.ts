import { loadRegistry } from '@vecpods/registry/node'
import { adminSql, connectPod, loadSecrets, stackEnvironment, stackOptions, startReplica, stopReplica } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// A streaming read replica of pod_a (the registry gives pod_a one, r1; the local stack starts it
// with pg_basebackup): searches on docs go to it, writes to the pod; a stopped replica makes
// searches fall back to the pod without an error, and a restarted one serves again.
const opts = stackOptions(process.env, () => {})
const maxLagMs = loadRegistry().pods.pod_a!.maxReplicaLagMs
const run = `rep-${Date.now().toString(36)}`
let env: Record<string, string>
let headers: Record<string, string>
let base: string
let query: number[]

const search = async () => {
  const res = await fetch(`${base}/search`, { method: 'POST', headers, body: JSON.stringify({ collection: 'docs', vector: query, limit: 3 }) })
  const body = (await res.json()) as { data?: unknown[]; meta?: { served_by: Record<string, string> }; error?: { code: string } }
  return { status: res.status, servedBy: body.meta?.served_by.docs, error: body.error?.code, hits: body.data?.length ?? 0 }
}

/** Polls until a search is served by `who`, or fails after `ms`. */
async function servedBy(who: string, ms: number): Promise<number> {
  const started = performance.now()
  for (;;) {
    const r = await search()
    expect(r.status).toBe(200)
    if (r.servedBy === who) return performance.now() - started
    if (performance.now() - started > ms) throw new Error(`searches still served by ${r.servedBy}, not ${who}, after ${ms} ms`)
    await new Promise((res) => setTimeout(res, 100))
  }
}

beforeAll(async () => {
  env = await stackEnvironment(opts)
  headers = { apikey: env.SUPABASE_SERVICE_ROLE_KEY!, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`, 'content-type': 'application/json' }
  base = `${env.SUPABASE_URL}/functions/v1/vector-search`
  const sql = adminSql(env.VECPODS_POD_A_DB_URL!)
  const [row] = await sql<{ v: string }[]>`select vec::text as v from vecs.docs order by id limit 1`
  await sql.end()
  query = JSON.parse(row!.v) as number[]
  startReplica(opts, 'pod_a', 'r1')
})

afterAll(async () => {
  startReplica(opts, 'pod_a', 'r1')
  await fetch(`${base}/collections/docs/records`, { method: 'DELETE', headers, body: JSON.stringify({ filters: { run: { $eq: run } } }) })
})

describe('read replicas', () => {
  it('serves searches from the replica', async () => {
    await servedBy('pod_a/r1', 10_000)
    const r = await search()
    expect(r).toMatchObject({ status: 200, servedBy: 'pod_a/r1', hits: 3 })
  })

  it('sends writes to the pod, and the replica has them within the lag bound', async () => {
    const id = `${run}-w`
    const res = await fetch(`${base}/collections/docs/records`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ records: [{ id, vector: query, metadata: { run } }] }),
    })
    expect(res.status).toBe(200)
    const written = performance.now()
    // Read-your-writes: right after its write, this function reads pod_a itself, and finds it.
    const own = await fetch(`${base}/search`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ collection: 'docs', vector: query, limit: 3, filters: { run: { $eq: run } } }),
    })
    const body = (await own.json()) as { data: Array<{ id: string }>; meta: { served_by: Record<string, string> } }
    expect(body.meta.served_by.docs).toBe('pod_a')
    expect(body.data.map((h) => h.id)).toEqual([id])
    const pod = adminSql(env.VECPODS_POD_A_DB_URL!)
    const replica = adminSql(env.VECPODS_POD_A_R1_DB_URL!)
    try {
      expect(await pod`select id from vecs.docs where id = ${id}`).toHaveLength(1)
      let seenAfter: number | undefined
      while (seenAfter === undefined && performance.now() - written < 10_000) {
        if ((await replica`select id from vecs.docs where id = ${id}`).length) seenAfter = performance.now() - written
        else await new Promise((r) => setTimeout(r, 10))
      }
      expect(seenAfter).toBeDefined()
      expect(seenAfter!).toBeLessThanOrEqual(maxLagMs)
      console.log(`replica: a write on pod_a visible on pod_a/r1 after ${seenAfter!.toFixed(0)} ms (bound ${maxLagMs} ms)`)
      // The replica is read-only.
      await expect(replica`insert into vecs.docs (id, vec) values ('x', ${`[${query.join(',')}]`})`).rejects.toThrow(/read-only/)
    } finally {
      await Promise.all([pod.end(), replica.end()])
    }
  })

  it('falls back to the pod without an error when the replica stops, and uses it again once it is back', async () => {
    await servedBy('pod_a/r1', 10_000)
    expect(stopReplica(opts, 'pod_a', 'r1')).toBe(true)
    const during = await Promise.all(Array.from({ length: 10 }, () => search()))
    expect(during.map((r) => r.status)).toEqual(Array(10).fill(200))
    expect(during.every((r) => r.hits === 3)).toBe(true)
    expect(new Set(during.map((r) => r.servedBy))).toEqual(new Set(['pod_a']))
    startReplica(opts, 'pod_a', 'r1')
    const back = await servedBy('pod_a/r1', 15_000)
    console.log(`replica: stopped → 10 of 10 searches answered by pod_a; restarted → serving again after ${back.toFixed(0)} ms`)
  })

  it('can serve the primary’s foreign tables (registry foreignTablesFrom), through the same connect_pod the stack uses', async () => {
    const secrets = loadSecrets(opts.stateDir, opts.projects).pod_a!
    const primary = adminSql(env.SUPABASE_DB_URL!)
    const replica = adminSql(env.VECPODS_POD_A_R1_DB_URL!)
    const replicaPort = Number(new URL(env.VECPODS_POD_A_R1_DB_URL!).port)
    try {
      await connectPod(primary, 'pod_a', { host: '127.0.0.1', port: replicaPort, dbname: 'postgres' }, secrets.fdwPassword)
      const fresh = adminSql(env.SUPABASE_DB_URL!)
      const [{ n }] = (await fresh`select count(*)::int as n, pg_backend_pid() as pid from public.docs`) as unknown as [{ n: number }]
      expect(n).toBeGreaterThan(0)
      // The foreign scan ran on the replica, as the read-only vecpods_fdw role.
      const sessions = await replica`select count(*)::int as n from pg_stat_activity where usename = 'vecpods_fdw'`
      expect(sessions[0]!.n).toBeGreaterThan(0)
      await fresh.end()
    } finally {
      await connectPod(primary, 'pod_a', { host: '127.0.0.1', port: Number(new URL(env.VECPODS_POD_A_DB_URL!).port), dbname: 'postgres' }, secrets.fdwPassword)
      await Promise.all([primary.end(), replica.end()])
    }
  })
})
