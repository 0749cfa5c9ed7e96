import { adminSql, analyzeForeignTables, type ProjectEndpoints, stackEndpoints, stackEnvironment, stackOptions } from '@vecpods/stack'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prng, unit } from '../random.ts'

// halfvec storage and binary-quantized indexes (registry storage / quantization) on the real stack,
// on both transports: the local stack's overlay declares one collection of each kind per transport.
// Every path that reads vectors must work on them as on plain collections.
const opts = stackOptions(process.env, () => {})
const run = `quant-${Date.now().toString(36)}`
const COLLECTIONS = [
  { name: 'quant_half_a', pod: 'pod_a', transport: 'sql', type: 'halfvec(384)', opclass: 'halfvec_cosine_ops' },
  { name: 'quant_bin_b', pod: 'pod_b', transport: 'sql', type: 'vector(384)', opclass: 'bit_hamming_ops' },
  { name: 'quant_half_c', pod: 'pod_c', transport: 'rest', type: 'halfvec(384)', opclass: 'halfvec_cosine_ops' },
  { name: 'quant_bin_c', pod: 'pod_c', transport: 'rest', type: 'halfvec(384)', opclass: 'bit_hamming_ops' },
] as const
const ROWS = 600
const random = prng(25)
const WORDS = ['harbor', 'lantern', 'meadow', 'quartz', 'saffron', 'tundra']
// Clustered rows (16 centres), as embeddings are: binary quantization keeps the clusters apart.
const centres = Array.from({ length: 16 }, () => Array.from({ length: 384 }, () => random() - 0.5))
const rows = Array.from({ length: ROWS }, (_, i) => ({
  id: `${run}-${i}`,
  vector: unit(centres[i % 16]!.map((x) => x + (random() - 0.5) * 0.6)),
  metadata: { run, kind: ['a', 'b', 'c'][i % 3]!, text: `${WORDS[i % 6]} ${WORDS[(i * 5) % 6]} row ${i}` },
}))
const queries = Array.from({ length: 20 }, (_, i) => unit(centres[i % 16]!.map((x) => x + (random() - 0.5) * 0.6)))
const cosine = (a: number[], b: number[]) => 1 - a.reduce((s, x, i) => s + x * b[i]!, 0)
const exactTop = (q: number[], k: number, keep: (r: (typeof rows)[number]) => boolean = () => true) =>
  rows
    .filter(keep)
    .map((r) => ({ id: r.id, d: cosine(q, r.vector) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, k)
    .map((r) => r.id)

let env: Record<string, string>
let eps: ProjectEndpoints[]
const search = async (body: Record<string, unknown>) => {
  const res = await fetch(`${env.SUPABASE_URL}/functions/v1/vector-search/search`, {
    method: 'POST',
    headers: { apikey: env.SUPABASE_SERVICE_ROLE_KEY!, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as { data: Array<{ id: string; metadata?: { kind: string }; value?: number[] }>; error?: unknown } }
}
const dbOf = (pod: string) => eps.find((e) => e.project === pod)!.dbUrl

beforeAll(async () => {
  env = await stackEnvironment(opts)
  eps = await stackEndpoints(opts)
  for (const c of COLLECTIONS) {
    for (let i = 0; i < ROWS; i += 300) {
      const res = await fetch(`${env.SUPABASE_URL}/functions/v1/vector-search/collections/${c.name}/records`, {
        method: 'POST',
        headers: { apikey: env.SUPABASE_SERVICE_ROLE_KEY!, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ records: rows.slice(i, i + 300) }),
      })
      expect(res.status, await res.text()).toBe(200)
    }
  }
  const primary = adminSql(dbOf('primary'))
  await analyzeForeignTables(primary).finally(() => primary.end())
}, 120_000)

afterAll(async () => {
  for (const c of COLLECTIONS) {
    const sql = adminSql(dbOf(c.pod))
    await sql.unsafe(`delete from vecs."${c.name}" where metadata ->> 'run' = $1 or id like $2`, [run, `${run}%`]).finally(() => sql.end())
  }
})

describe.each(COLLECTIONS)('$name ($transport transport)', (c) => {
  it('stores and indexes the vectors as the registry says', async () => {
    const sql = adminSql(dbOf(c.pod))
    try {
      const [column] =
        await sql`select format_type(a.atttypid, a.atttypmod) as type from pg_attribute a where a.attrelid = ${`vecs."${c.name}"`}::regclass and a.attname = 'vec'`
      expect(column!.type).toBe(c.type)
      const indexes = await sql`select op.opcname from pg_index i join pg_class x on x.oid = i.indexrelid join pg_am am on am.oid = x.relam
        join pg_opclass op on op.oid = i.indclass[0] where i.indrelid = ${`vecs."${c.name}"`}::regclass and am.amname = 'hnsw'`
      expect(indexes.map((r) => r.opcname)).toEqual([c.opclass])
    } finally {
      await sql.end()
    }
  })

  it('vector search: recall@10 against exact search, the filter filling the limit, exact mode exact, MMR', async () => {
    let hits = 0
    for (const q of queries) {
      const res = await search({ collection: c.name, vector: q, limit: 10, filters: { run: { $eq: run } } })
      expect(res.status).toBe(200)
      hits += res.body.data.filter((h) => exactTop(q, 10).includes(h.id)).length
    }
    const recall = hits / (queries.length * 10)
    console.log(`${c.name}: recall@10 ${recall.toFixed(3)} over ${queries.length} queries`)
    expect(recall).toBeGreaterThanOrEqual(0.9)

    const filtered = await search({ collection: c.name, vector: queries[0], limit: 10, filters: { run: { $eq: run }, kind: { $eq: 'b' } } })
    expect(filtered.body.data).toHaveLength(10)
    expect(filtered.body.data.every((h) => h.metadata?.kind === 'b')).toBe(true)

    const exact = await search({ collection: c.name, vector: queries[1], limit: 10, exact: true, filters: { run: { $eq: run } } })
    expect(exact.body.data.map((h) => h.id)).toEqual(exactTop(queries[1]!, 10))

    const mmr = await search({
      collection: c.name,
      vector: queries[2],
      limit: 5,
      mmr: { lambda: 0.5 },
      filters: { run: { $eq: run } },
      include: { value: true },
    })
    expect(mmr.status).toBe(200)
    expect(mmr.body.data).toHaveLength(5)
    expect(mmr.body.data[0]!.value).toHaveLength(384)
  })

  it('text and hybrid search', async () => {
    const text = await search({ collection: c.name, query: 'saffron quartz', mode: 'text', limit: 10, filters: { run: { $eq: run } } })
    expect(text.status).toBe(200)
    expect(text.body.data).toHaveLength(10)
    const hybrid = await search({ collection: c.name, query: 'saffron quartz', vector: queries[3], mode: 'hybrid', limit: 10, filters: { run: { $eq: run } } })
    expect(hybrid.status).toBe(200)
    expect(hybrid.body.data).toHaveLength(10)
  })

  it('the primary: match_ and hybrid_ RPCs, their whole nearest-neighbour query sent to the pod (EXPLAIN)', async () => {
    const notices: string[] = []
    const db = postgres(dbOf('primary'), { max: 1, prepare: false, onnotice: (n) => notices.push(String(n.message)) })
    try {
      const q = `[${queries[4]!.join(',')}]`
      await db.unsafe(`load 'auto_explain'`)
      await db.unsafe(
        `set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set auto_explain.log_verbose = on; set client_min_messages = log`,
      )
      const filter = `'${JSON.stringify({ run })}'::jsonb`
      const found = await db.unsafe(`select id from public."match_${c.name}"($1::extensions.vector, 10, ${filter})`, [q])
      await db.unsafe(`set client_min_messages = notice`)
      const exact = exactTop(queries[4]!, 10)
      expect(found.filter((r) => exact.includes(r.id as string)).length).toBeGreaterThanOrEqual(8)
      const plan = notices.find((n) => n.includes('Remote SQL'))!.replace(/'\[[^\]]*\]'/g, "'[…]'")
      const remote = /Remote SQL: (.*)/.exec(plan)![1]!
      expect(remote).toMatch(/metadata @> /)
      expect(remote).toMatch(/LIMIT/)
      if (c.opclass === 'bit_hamming_ops')
        expect(remote).toMatch(
          /ORDER BY \(extensions\.binary_quantize\(embedding\)::bit\(384\) OPERATOR\(extensions\.<~>\) B'[01]{384}'::bit\(384\)\) ASC NULLS LAST LIMIT 100::bigint$/,
        )
      else expect(remote).toMatch(/ORDER BY \(embedding OPERATOR\(extensions\.<=>\)/)
      const hybrid: Array<{ id: string }> = await db.unsafe(
        `select id from public."hybrid_${c.name}"('saffron quartz', $1::extensions.vector, 10, ${filter})`,
        [q],
      )
      expect(hybrid).toHaveLength(10)
    } finally {
      await db.end()
    }
  })
})
