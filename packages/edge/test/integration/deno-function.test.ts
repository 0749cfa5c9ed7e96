import { createClient } from '@supabase/supabase-js'
import { STATIC_MODEL_ID } from '@vecpods/offline-models'
import { type ProjectEndpoints, stackEndpoints, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'

// The stack serves supabase/functions/vector-search/index.ts under the real Deno runtime,
// behind the primary's Supabase-shaped URL: exactly what supabase-js talks to when hosted.
let primary: ProjectEndpoints
const run = `deno-${Date.now().toString(36)}`
const vector = (axis: number) => Array.from({ length: 384 }, (_, i) => (i === axis ? 1 : 0))
const client = (key: string) => createClient(primary.apiUrl, key, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } })

beforeAll(async () => {
  primary = (await stackEndpoints(stackOptions(process.env, () => {}))).find((e) => e.project === 'primary')!
})

afterAll(async () => {
  await client(primary.keys.serviceRoleKey).functions.invoke('vector-search/collections/posts/records', {
    method: 'DELETE',
    body: { filters: { run: { $eq: run } } },
  })
})

describe('vector-search under Deno through functions.invoke', () => {
  it('upserts as service_role and searches back as anon', async () => {
    const service = client(primary.keys.serviceRoleKey)
    const up = await service.functions.invoke('vector-search/collections/posts/records', {
      body: {
        records: [
          { id: `${run}-1`, vector: vector(1), metadata: { run, year: 2024, url: '/one' } },
          { id: `${run}-2`, vector: vector(2), metadata: { run, year: 2025, url: '/two' } },
        ],
      },
    })
    expect(up.error).toBeNull()
    expect(up.data).toEqual({ data: { upserted: 2 }, meta: { pod: 'pod_b', model: STATIC_MODEL_ID } })

    const anon = client(primary.keys.anonKey)
    const { data, error } = await anon.functions.invoke('vector-search/search', {
      body: { collection: 'posts', vector: vector(2), limit: 1, filters: { run: { $eq: run } } },
    })
    expect(error).toBeNull()
    expect(data.data).toEqual([{ id: `${run}-2`, score: 1, collection: 'posts', pod: 'pod_b', metadata: { run, year: 2025, url: '/two' } }])
  })

  it('embeds text records and text queries with the offline model, and finds them back', async () => {
    const service = client(primary.keys.serviceRoleKey)
    const texts = {
      hnsw: 'Build an HNSW index so vector similarity search stays fast as the table grows',
      rls: 'Row level security policies decide which rows each database role may read',
      cron: 'Schedule recurring jobs with cron expressions in the dashboard',
    }
    const up = await service.functions.invoke('vector-search/collections/posts/records', {
      body: { records: Object.entries(texts).map(([key, text]) => ({ id: `${run}-${key}`, text, metadata: { run, key } })) },
    })
    expect(up.error).toBeNull()
    expect(up.data).toEqual({ data: { upserted: 3 }, meta: { pod: 'pod_b', model: STATIC_MODEL_ID } })

    const anon = client(primary.keys.anonKey)
    for (const [query, key] of [
      ['indexing vectors for similarity', 'hnsw'],
      ['which rows can a role read?', 'rls'],
      ['recurring scheduled jobs', 'cron'],
    ] as const) {
      const { data, error } = await anon.functions.invoke('vector-search/search', {
        body: { collection: 'posts', query, limit: 3, filters: { run: { $eq: run }, key: { $exists: true } } },
      })
      expect(error).toBeNull()
      expect(data.data[0].id, query).toBe(`${run}-${key}`)
      expect(data.meta).toMatchObject({ model: STATIC_MODEL_ID, offline_model: 'static' })
    }
  })

  it('fans out over several pods and merges by score', async () => {
    const anon = client(primary.keys.anonKey)
    const { data, error } = await anon.functions.invoke('vector-search/search', {
      body: { collections: ['docs', 'posts', 'api'], vector: vector(1), limit: 3 },
    })
    expect(error).toBeNull()
    expect(data.meta.pods).toEqual(['pod_a', 'pod_b', 'pod_c'])
    expect(data.data[0].id, JSON.stringify(data)).toBe(`${run}-1`)
  })

  it('answers CORS preflight and maps errors to their codes', async () => {
    const pre = await fetch(`${primary.apiUrl}/functions/v1/vector-search/search`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, apikey, x-client-info, content-type',
      },
    })
    expect(pre.status).toBe(204)
    const res = await fetch(`${primary.apiUrl}/functions/v1/vector-search/search`, {
      method: 'POST',
      headers: { apikey: primary.keys.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ collection: 'posts', vector: [1, 2] }),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: { code: 'dimension_mismatch', message: 'vector: collection "posts" takes 384 dimensions, got 2' } })
  })
})
