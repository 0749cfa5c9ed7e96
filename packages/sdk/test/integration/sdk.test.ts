import { createClient } from '@supabase/supabase-js'
import { type ProjectEndpoints, stackEndpoints, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createVectorClient, type VectorClient } from '../../src/index.ts'

// The SDK against the real stack: search through the Deno-served edge function, reads through
// the primary's PostgREST (docs is a postgres_fdw foreign table there) or a pod's own API.
type Docs = { docs: { run: string; url: string; package: string; version: string }; posts: { run: string; year: number } }
const run = `sdk-${Date.now().toString(36)}`
let primary: ProjectEndpoints
let podA: ProjectEndpoints
let anon: VectorClient<Docs>
let service: VectorClient<Docs>
const supabase = (ep: ProjectEndpoints, key: string) =>
  createClient(ep.apiUrl, key, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } })

const pages = [
  {
    id: `${run}-pool`,
    text: 'Connection pooling keeps database connections open between requests',
    metadata: { run, url: '/pooling', package: 'postgres', version: '3.4.9' },
  },
  {
    id: `${run}-rls`,
    text: 'Row level security policies decide which rows a role may read',
    metadata: { run, url: '/rls', package: 'supabase', version: '2.0.0' },
  },
  {
    id: `${run}-hnsw`,
    text: 'An HNSW index makes nearest neighbour search over vectors fast',
    metadata: { run, url: '/hnsw', package: 'pgvector', version: '0.8.0' },
  },
]

beforeAll(async () => {
  const eps = await stackEndpoints(stackOptions(process.env, () => {}))
  primary = eps.find((e) => e.project === 'primary')!
  podA = eps.find((e) => e.project === 'pod_a')!
  anon = createVectorClient<Docs>({ supabase: supabase(primary, primary.keys.anonKey) })
  service = createVectorClient<Docs>({ url: primary.apiUrl, key: primary.keys.serviceRoleKey })
})

afterAll(async () => {
  await service.delete('docs', { filters: { run: { $eq: run } } })
})

describe('@vecpods/sdk on the real stack', () => {
  it('upserts in batches with progress (service role), then searches text as anon', async () => {
    const progress: number[] = []
    const up = await service.upsert('docs', pages, { batchSize: 2, onProgress: (p) => progress.push(p.done) })
    expect(up).toEqual({ data: { upserted: 3 }, error: null })
    expect(progress).toEqual([2, 3])

    const { data, meta, error } = await anon.search('how do I keep database connections pooled?', {
      collection: 'docs',
      limit: 3,
      filters: { run: { $eq: run } },
    })
    expect(error).toBeNull()
    expect(data!.map((h) => h.id)[0]).toBe(`${run}-pool`)
    expect(data![0]).toMatchObject({ collection: 'docs', pod: 'pod_a', metadata: { url: '/pooling', package: 'postgres' } })
    expect(meta).toMatchObject({ pods: ['pod_a'], offline_model: 'static' })
  })

  it('reads the same ids back with from(), get() and list() through PostgREST', async () => {
    const { data: hits } = await anon.search('vector index', { collection: 'docs', filters: { run: { $eq: run } } })
    const ids = hits!.map((h) => h.id)
    const { data: rows, error } = await anon.from('docs').select('id, url, package').in('id', ids).order('id')
    expect(error).toBeNull()
    expect((rows as Array<{ id: string }>).map((r) => r.id)).toEqual([...ids].sort())
    expect(await anon.get('docs', `${run}-rls`)).toEqual({ data: { id: `${run}-rls`, metadata: pages[1]!.metadata }, error: null })
    const listed = await anon.list('docs', { where: { run, package: 'pgvector' } })
    expect(listed.data!.map((r) => r.id)).toEqual([`${run}-hnsw`])
  })

  it('reads a collection from its pod’s own API when given as a reader', async () => {
    const direct = createVectorClient<Docs>({ supabase: supabase(primary, primary.keys.anonKey), readers: { docs: supabase(podA, podA.keys.anonKey) } })
    expect((await direct.get('docs', `${run}-rls`)).data?.metadata).toEqual(pages[1]!.metadata)
  })

  it('reports the edge’s error codes from the real function', async () => {
    const { error } = await anon.search('x', { collection: 'docs', filters: { url: { $regex: 'x' } as never } })
    expect(error).toMatchObject({ code: 'invalid_filter', status: 400 })
    expect((await anon.upsert('docs', [{ id: 'nope', text: 'x' }])).error).toMatchObject({ code: 'forbidden', status: 403 })
    expect((await anon.search('x', { collection: 'nope' as 'docs' })).error).toMatchObject({ code: 'unknown_collection', status: 404 })
    await expect(anon.throwOnError().search([1, 2], { collection: 'posts' })).rejects.toMatchObject({ code: 'dimension_mismatch' })
  })

  it('fans out with supabase-js auth and merges by score', async () => {
    const { data, meta } = await anon.search('row level security', { collections: ['docs', 'posts'], limit: 2, filters: { run: { $eq: run } } })
    expect(meta!.pods).toEqual(['pod_a', 'pod_b'])
    expect(data![0]!.id).toBe(`${run}-rls`)
  })
})
