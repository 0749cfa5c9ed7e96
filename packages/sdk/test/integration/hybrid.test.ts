import { createClient } from '@supabase/supabase-js'
import { adminSql, analyzeForeignTables, type ProjectEndpoints, stackEndpoints, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createVectorClient, type VectorClient } from '../../src/index.ts'

// Full-text and hybrid search on the real stack: through the Deno function behind the gateway
// (docs on pod_a over SQL, api on pod_c over PostgREST), a fan-out, the SDK, and the primary's
// hybrid_<name> RPC, whose arms postgres_fdw must push down to the pod.
type Cols = { docs: { run: string; text: string; lang: string }; api: { run: string; text: string; symbol: string } }
const run = `hyb-${Date.now().toString(36)}`
let primary: ProjectEndpoints
let service: VectorClient<Cols>
let anon: VectorClient<Cols>

const docs = [
  {
    id: `${run}-d1`,
    text: 'Marmalade quokkas are configured with a parseConfigFile helper',
    metadata: { run, text: 'Marmalade quokkas are configured with a parseConfigFile helper', lang: 'en' },
  },
  { id: `${run}-d2`, text: 'Quokkas rest in the shade at noon', metadata: { run, text: 'Quokkas rest in the shade at noon', lang: 'en' } },
  { id: `${run}-d3`, text: 'Marmalade quokkas, translated', metadata: { run, text: 'Marmalade quokkas, translated', lang: 'de' } },
]
const api = [
  {
    id: `${run}-a1`,
    text: 'zebrafishQuokka: counts marmalade quokkas in a burrow',
    metadata: { run, symbol: 'zebrafishQuokka', text: 'counts marmalade quokkas in a burrow' },
  },
]

beforeAll(async () => {
  const eps = await stackEndpoints(stackOptions(process.env, () => {}))
  primary = eps.find((e) => e.project === 'primary')!
  service = createVectorClient<Cols>({ url: primary.apiUrl, key: primary.keys.serviceRoleKey })
  anon = createVectorClient<Cols>({
    supabase: createClient(primary.apiUrl, primary.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } }),
  })
  expect((await service.upsert('docs', docs)).error).toBeNull()
  expect((await service.upsert('api', api)).error).toBeNull()
})

afterAll(async () => {
  await service.delete('docs', { filters: { run: { $eq: run } } })
  await service.delete('api', { filters: { run: { $eq: run } } })
})

const mine = { run: { $eq: run } }

describe('full-text and hybrid search on the real stack', () => {
  it('text mode matches any query word (OR), ranks rows with more and rarer words first, and honours the filter', async () => {
    const { data, meta, error } = await anon.search('marmalade quokkas xylophone', {
      collection: 'docs',
      mode: 'text',
      filters: { ...mine, lang: { $eq: 'en' } },
    })
    expect(error).toBeNull()
    expect(meta).toMatchObject({ mode: 'text', pods: ['pod_a'] })
    expect(meta!.model).toBeUndefined()
    // d1 has both words (no document has "xylophone"), d2 only "quokkas"; d3 is filtered out.
    expect(data!.map((h) => h.id)).toEqual([`${run}-d1`, `${run}-d2`])
    expect(data![0]!.score).toBeGreaterThan(data![1]!.score)
  })

  it('splits code identifiers the same way in documents and queries', async () => {
    const split = await anon.search('parse config file', { collection: 'docs', mode: 'text', filters: mine })
    expect(split.data!.map((h) => h.id)).toEqual([`${run}-d1`])
    const joined = await anon.search('zebrafishQuokka', { collection: 'api', mode: 'text', filters: mine })
    expect(joined.data!.map((h) => h.id)).toEqual([`${run}-a1`])
  })

  it('hybrid mode fuses both arms on the SQL and the PostgREST transport, reporting each hit’s ranks', async () => {
    for (const collection of ['docs', 'api'] as const) {
      const { data, meta, error } = await anon.search('marmalade quokkas', { collection, mode: 'hybrid', filters: mine })
      expect(error).toBeNull()
      expect(meta).toMatchObject({ mode: 'hybrid', offline_model: 'static' })
      expect(data!.length).toBeGreaterThan(0)
      const top = data![0]!
      expect(top.ranks?.text).toBe(1)
      expect(top.ranks?.vector).toBeGreaterThanOrEqual(1)
      // The default fusion (convex): the top hit is first in both arms here, so it scores both weights whole.
      if (top.ranks?.vector === 1) expect(top.score).toBeCloseTo(0.4 + 0.6, 10)
    }
  })

  it('fans a hybrid search out over two pods and merges by fused score', async () => {
    const { data, meta } = await anon.search('marmalade quokkas burrow', { collections: ['docs', 'api'], mode: 'hybrid', filters: mine, limit: 4 })
    expect(meta!.pods).toEqual(['pod_a', 'pod_c'])
    expect(new Set(data!.map((h) => h.collection))).toEqual(new Set(['docs', 'api']))
    const scores = data!.map((h) => h.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
  })

  it('refuses a collection without full text with mode_unsupported', async () => {
    const res = await service.search('marmalade', { collection: 'drafts' as 'docs', mode: 'text' })
    expect(res.error).toMatchObject({ code: 'mode_unsupported', status: 400 })
  })

  it('serves hybrid_<name> from the primary, each arm pushed down to the pod', async () => {
    const db = adminSql(primary.dbUrl)
    try {
      await analyzeForeignTables(db)
      const [row] = await db<{ embedding: string }[]>`select embedding::text from public.docs where id = ${`${run}-d1`}`
      const embedding = row!.embedding
      const client = createClient(primary.apiUrl, primary.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } })
      const { data, error } = await client.rpc('hybrid_docs', { query_text: 'marmalade quokkas', query_embedding: embedding, match_count: 3, filter: { run } })
      expect(error).toBeNull()
      const rows = data as Array<{ id: string; score: number; vector_rank: number | null; text_rank: number | null }>
      // d1 is its own nearest vector; in the text arm the shorter d3 (no language filter here) may rank first.
      expect(rows[0]).toMatchObject({ id: `${run}-d1`, vector_rank: 1 })
      expect(rows[0]!.text_rank).toBeLessThanOrEqual(2)
      expect(rows.every((r) => r.id.startsWith(run))).toBe(true)
      // The text arm as the function runs it (enable_sort off), EXPLAINed: the full-text match,
      // the filter and the ORDER BY rank run on the pod, no Sort on the primary. (The LIMIT goes
      // along when the planner expects more matches than it, as for match_<name>.)
      const [ranked] = await db<{ rank: string }[]>`
        select r.rank_sql as rank from vecpods.bm25_docs(tsvector_to_array(to_tsvector('english', 'marmalade quokkas'))) as r`
      const rank = ranked!.rank
      // Okapi BM25 with the pod's statistics as constants: term frequencies and document lengths only from the row.
      expect(rank).toMatch(/ts_rank_cd\('\{1,1,1,1\}'::real\[\], t\.fts, '''marmalad'''::tsquery, 0\)/)
      const plan = await db.begin(async (tx) => {
        await tx`set local enable_sort = off`
        return tx.unsafe(
          `explain (verbose, format json) select t.id from public.docs as t
           where t.fts @@ to_tsquery('english', 'marmalade | quokkas') and t.metadata @> '{"run": "${run}"}' order by ${rank} desc limit 40`,
        )
      })
      const text = JSON.stringify(plan)
      const remote = /"Remote SQL":"([^"\\]|\\.)*"/.exec(text)?.[0] ?? ''
      expect(remote).toMatch(/fts @@ .*metadata @> .*ORDER BY .*ts_rank_cd\('\{1,1,1,1\}'::real\[\], fts, .*marmalad.*fts_len/)
      expect(text).not.toContain('"Node Type":"Sort"')
    } finally {
      await db.end()
    }
  })
})
