// GET /collections answers anyone, so what it costs a pod is bounded: the pods' vecpods.catalog
// counts each collection's rows up to 10,000 and reports the planner's estimate above that.
// Checked on pod_a with a scratch collection of 10,500 rows (recorded in the pod's catalog for the
// test's length), and through the stack's function on the seeded docs corpus (under the bound:
// counted exactly).
import { adminSql, stackEnvironment, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const opts = stackOptions(process.env, () => {})
const probe = `count_probe_${Date.now().toString(36)}`
const ROWS = 10_500
let env: Record<string, string>
let sql: ReturnType<typeof adminSql>

beforeAll(async () => {
  env = await stackEnvironment(opts)
  sql = adminSql(env.VECPODS_POD_A_DB_URL!)
  await sql.unsafe(`create table vecs.${probe} (id text primary key, vec extensions.vector(3), metadata jsonb) with (autovacuum_enabled = false)`)
  await sql.unsafe(`insert into vecs.${probe} select 'r' || i, '[1,2,3]', '{}' from generate_series(1, ${ROWS}) i`)
  await sql.unsafe(`insert into vecpods.collections (name, dims, measure) values ('${probe}', 3, 'cosine')`)
})

afterAll(async () => {
  await sql.unsafe(`delete from vecpods.collections where name = '${probe}'`)
  await sql.unsafe(`drop table if exists vecs.${probe}`)
  await sql.end()
})

const catalogRows = async () =>
  Object.fromEntries((await sql.unsafe<{ name: string; rows: string }[]>('select name, rows from vecpods.catalog()')).map((r) => [r.name, Number(r.rows)]))

describe('row counts of the pods’ catalog (GET /collections)', () => {
  it('above 10,000 rows: the estimate ANALYZE leaves, and never below the 10,001 it counted', async () => {
    // Before any ANALYZE (autovacuum is off for the table) the planner knows nothing of it: the bound shows.
    expect((await catalogRows())[probe]).toBe(10_001)
    await sql.unsafe(`analyze vecs.${probe}`)
    expect((await catalogRows())[probe]).toBe(ROWS)
  })

  it('under 10,000 rows: counted exactly, through the stack’s function', async () => {
    const [{ docs }] = await sql.unsafe<[{ docs: number }]>('select count(*)::int as docs from vecs.docs')
    expect(docs).toBeLessThanOrEqual(10_000)
    const res = await fetch(`${env.SUPABASE_URL}/functions/v1/vector-search/collections`, {
      headers: { apikey: env.SUPABASE_ANON_KEY!, authorization: `Bearer ${env.SUPABASE_ANON_KEY}` },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: Array<{ name: string; rows: number | null }> }
    expect(body.data.find((c) => c.name === 'docs')?.rows).toBe(docs)
  })
})
