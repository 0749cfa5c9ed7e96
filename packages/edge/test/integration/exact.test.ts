// `exact: true` is a scan of every row, whatever ef_search says and whatever the planner would
// prefer: through the stack's function on both transports, the answer equals the nearest rows by
// the true distance, computed on the pod with index scans off. (The pods' vecpods.search keeps
// sequential scans off for index searches; with index scans off as well, the planner still took
// the HNSW index on a whole collection, and "exact" answers were approximate.)
import { adminSql, stackEnvironment, stackOptions } from '@vecpods/stack'
import { beforeAll, describe, expect, it } from 'vitest'

const opts = stackOptions(process.env, () => {})
let env: Record<string, string>

beforeAll(async () => {
  env = await stackEnvironment(opts)
})

describe.each([
  ['docs', 'VECPODS_POD_A_DB_URL', '<=>'],
  ['api', 'VECPODS_POD_C_DB_URL', '<#>'],
])('%s: exact search over the whole collection', (collection, dbUrlName, op) => {
  it('returns the true nearest rows, even with ef_search 1', async () => {
    const sql = adminSql(env[dbUrlName]!)
    try {
      const queries = await sql.unsafe<{ vec: string }[]>(`select vec::text as vec from vecs."${collection}" order by id desc limit 8`)
      expect(queries).toHaveLength(8)
      const key = env.SUPABASE_SERVICE_ROLE_KEY!
      for (const { vec } of queries) {
        const res = await fetch(`${env.SUPABASE_URL}/functions/v1/vector-search/search`, {
          method: 'POST',
          headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ collection, vector: JSON.parse(vec), limit: 20, exact: true, ef_search: 1, include: { metadata: false } }),
        })
        expect(res.status).toBe(200)
        const got = ((await res.json()) as { data: { id: string }[] }).data.map((h) => h.id)
        const truth = await sql.begin(async (tx) => {
          await tx.unsafe('set local enable_indexscan = off')
          return tx.unsafe<{ id: string }[]>(`select id from vecs."${collection}" order by vec operator(extensions.${op}) $1::extensions.vector, id limit 20`, [
            vec,
          ])
        })
        // Rows at equal distance may come in either order: compare as sets.
        expect(new Set(got)).toEqual(new Set(truth.map((r) => r.id)))
      }
    } finally {
      await sql.end()
    }
  })
})
