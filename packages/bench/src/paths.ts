import { PostgrestClient } from '@supabase/postgrest-js'
import { lowerFilter, parseFilter, vectorText } from '@vecpods/edge'
import { distanceOperator, type Measure, PGVECTOR_EF_SEARCH } from '@vecpods/registry'
import postgres from 'postgres'
import { flagMatch } from './data.ts'

/** One search request: a vector (and a text for the text path), optionally filtered. */
export interface Query {
  vector: number[]
  text: string
  /** A metadata flag that must be true, e.g. `s10`. */
  flag?: string
}

/** One way of running a search, answering the ids of the hits best first. */
export interface SearchPath {
  id: string
  label: string
  search(q: Query): Promise<string[]>
  /** Time spent inside the service per request, where it reports it (the edge's `meta.took_ms`). */
  serverMs?: number[]
  close(): Promise<void>
}

export const LIMIT = 10

/** The edge filter language's form of "this flag is true". */
const flagFilter = (flag: string) => ({ [flag]: { $eq: true } })
export type IterativeScan = 'off' | 'relaxed_order' | 'strict_order'

/**
 * pgvector straight from a client: one SQL statement on the pod, over a pool as large as the
 * highest concurrency; prepared (planned once per connection) unless `prepare` is false, as the
 * edge sends it. The floor every other path is compared with.
 */
export function podSqlPath(
  id: string,
  label: string,
  dbUrl: string,
  table: string,
  measure: Measure,
  settings: { efSearch?: number; iterativeScan?: IterativeScan; pool: number; prepare?: boolean },
): SearchPath {
  const prepare = settings.prepare ?? true
  const op = distanceOperator(measure)
  const db = postgres(dbUrl, {
    max: settings.pool,
    onnotice: () => {},
    connection: {
      'hnsw.ef_search': String(settings.efSearch ?? PGVECTOR_EF_SEARCH),
      'hnsw.iterative_scan': settings.iterativeScan ?? 'off',
    },
  })
  const select = `select id, metadata, vec ${op} $1::extensions.vector as distance from vecs."${table}"`
  const order = `order by vec ${op} $1::extensions.vector limit ${LIMIT}`
  return {
    id,
    label,
    async search(q) {
      const rows = q.flag
        ? await db.unsafe<{ id: string }[]>(`${select} where metadata @> $2::jsonb ${order}`, [vectorText(q.vector), flagMatch(q.flag)], { prepare })
        : await db.unsafe<{ id: string }[]>(`${select} ${order}`, [vectorText(q.vector)], { prepare })
      return rows.map((r) => r.id)
    },
    close: () => db.end(),
  }
}

/** postgrest-js, the client behind supabase-js's `.rpc()`, on a project's REST API with a key. */
const restClient = (apiUrl: string, key: string, schema: string) =>
  new PostgrestClient(`${apiUrl}/rest/v1`, { headers: { apikey: key, authorization: `Bearer ${key}` }, schema })

/** The pod's own PostgREST API: `rpc('search')` in schema `vecpods`. */
export function podRpcPath(id: string, label: string, apiUrl: string, serviceKey: string, collection: string): SearchPath {
  const client = restClient(apiUrl, serviceKey, 'vecpods')
  return {
    id,
    label,
    async search(q) {
      const { data, error } = await client.rpc('search', {
        collection,
        query_embedding: vectorText(q.vector),
        match_count: LIMIT,
        filter: q.flag ? lowerFilter(parseFilter(flagFilter(q.flag))) : null,
      })
      if (error) throw new Error(`${error.code}: ${error.message}`)
      return (data as { id: string }[]).map((r) => r.id)
    },
    close: async () => {},
  }
}

/**
 * The vector-search edge function's `POST /search`, at `baseUrl` (through the API gateway as
 * supabase-js calls it, or the Deno server itself). `text` sends the query text instead of the
 * vector, so the function embeds it.
 */
export function edgePath(
  id: string,
  label: string,
  baseUrl: string,
  serviceKey: string,
  target: { collection: string } | { collections: string[] },
  options: { text?: boolean; efSearch?: number } = {},
): SearchPath {
  const headers = { authorization: `Bearer ${serviceKey}`, apikey: serviceKey, 'content-type': 'application/json' }
  const serverMs: number[] = []
  return {
    id,
    label,
    serverMs,
    async search(q) {
      const body = {
        ...target,
        ...(options.text ? { query: q.text } : { vector: q.vector }),
        limit: LIMIT,
        ...(q.flag ? { filters: flagFilter(q.flag) } : {}),
        ...(options.efSearch ? { ef_search: options.efSearch } : {}),
      }
      const res = await fetch(`${baseUrl}/search`, { method: 'POST', headers, body: JSON.stringify(body) })
      const json = (await res.json()) as { data?: { id: string }[]; meta?: { partial?: boolean; took_ms?: number }; error?: { code: string; message: string } }
      if (!res.ok || !json.data) throw new Error(`HTTP ${res.status} ${json.error?.code ?? ''}: ${json.error?.message ?? 'no data'}`)
      if (json.meta?.partial) throw new Error('partial answer: a pod failed')
      if (json.meta?.took_ms !== undefined) serverMs.push(json.meta.took_ms)
      return json.data.map((h) => h.id)
    },
    close: async () => {},
  }
}

/** The primary's `rpc('match_<collection>')`: PostgREST on the primary, postgres_fdw to the pod. */
export function primaryRpcPath(id: string, label: string, apiUrl: string, serviceKey: string, collection: string): SearchPath {
  const client = restClient(apiUrl, serviceKey, 'public')
  return {
    id,
    label,
    async search(q) {
      const { data, error } = await client.rpc(`match_${collection}`, {
        query_embedding: vectorText(q.vector),
        match_count: LIMIT,
        filter: q.flag ? flagMatch(q.flag) : {},
      })
      if (error) throw new Error(`${error.code}: ${error.message}`)
      return (data as { id: string }[]).map((r) => r.id)
    },
    close: async () => {},
  }
}
