import postgres from 'postgres'
import { VecpodsError } from '../errors.ts'
import { compileFilter, type CompiledFilter, type Condition } from '../filters/index.ts'
import { DISTANCE_OPERATOR, vectorText } from './distance.ts'
import type { CatalogRow, PodClient, PodHit, PodRecord, PodSearch } from './types.ts'

export interface SqlPodOptions {
  pod: string
  dbUrl: string
  /** Connections per pod (default 5). */
  max?: number
  /** Per-statement limit in ms (default 5000); a query past it answers 504 `timeout`. */
  statementTimeoutMs?: number
  connectTimeoutS?: number
}

/**
 * Parameters as postgres.js wants them: it learns each parameter's type from the server and
 * JSON-encodes values bound to jsonb, so jsonb text is handed over parsed.
 */
const bind = (filter: CompiledFilter) => filter.params.map((p, i) => (filter.types[i] === 'jsonb' ? JSON.parse(p) : p))

const table = (collection: string) => `vecs."${collection.replaceAll('"', '""')}"`

/** Maps driver errors to API errors: unreachable pods to 503, statement timeouts to 504. */
function podError(pod: string, error: unknown): never {
  if (error instanceof VecpodsError) throw error
  const e = error as { code?: string; message?: string }
  if (e.code === '57014') throw new VecpodsError('timeout', `pod "${pod}" did not answer in time`, { cause: error })
  if (e.code === '22000' || e.code === '22P02') {
    throw new VecpodsError('invalid_request', `pod "${pod}" refused the data: ${e.message}`, { cause: error })
  }
  if (e.code && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|CONNECT_TIMEOUT|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED|57P0[1-3]|08\d\d\d)$/.test(e.code)) {
    throw new VecpodsError('pod_unavailable', `pod "${pod}" is unavailable (${e.code})`, { cause: error })
  }
  throw error
}

/**
 * Reaches a pod over SQL with postgres.js: a bounded pool, no prepared statements (so it works
 * through a transaction-mode pooler), a statement timeout, and HNSW iterative scans switched on
 * for the session so filtered queries return the full `limit` when enough rows match.
 */
export function sqlPod(options: SqlPodOptions): PodClient {
  const sql = postgres(options.dbUrl, {
    max: options.max ?? 5,
    prepare: false,
    idle_timeout: 30,
    connect_timeout: options.connectTimeoutS ?? 3,
    onnotice: () => {},
    connection: {
      application_name: 'vecpods-edge',
      statement_timeout: options.statementTimeoutMs ?? 5000,
      'hnsw.iterative_scan': 'relaxed_order',
    } as Record<string, string | number>,
  })
  const { pod } = options
  const guard = <T>(work: () => Promise<T>) => work().catch((error: unknown) => podError(pod, error))

  return {
    pod,
    search: (q: PodSearch) =>
      guard(async () => {
        const op = DISTANCE_OPERATOR[q.measure]
        const filter = q.filter ? compileFilter(q.filter, 'metadata', 2) : undefined
        const columns = ['id', `vec ${op} $1::extensions.vector as distance`]
        if (q.includeMetadata) columns.push('metadata')
        if (q.includeValue) columns.push('vec::text as value')
        const text =
          `select ${columns.join(', ')} from ${table(q.collection)}` +
          (filter ? ` where ${filter.sql}` : '') +
          ` order by vec ${op} $1::extensions.vector limit ${Math.trunc(q.limit)}`
        const params = [vectorText(q.vector), ...(filter ? bind(filter) : [])]
        const rows =
          q.efSearch === undefined && !q.exact
            ? await sql.unsafe(text, params)
            : await sql.begin(async (tx) => {
                await tx.unsafe(`select set_config('hnsw.ef_search', $1, true), set_config('enable_indexscan', $2, true)`, [
                  String(q.efSearch ?? 40),
                  q.exact ? 'off' : 'on',
                ])
                return tx.unsafe(text, params)
              })
        const hits: PodHit[] = rows.map((r) => ({
          id: r.id as string,
          distance: Number(r.distance),
          ...(q.includeMetadata ? { metadata: r.metadata as Record<string, unknown> } : {}),
          ...(q.includeValue ? { value: JSON.parse(r.value as string) as number[] } : {}),
        }))
        // relaxed_order may return rows slightly out of order: sort by distance again.
        return hits.sort((a, b) => a.distance - b.distance)
      }),

    upsert: (collection, model, records: PodRecord[]) =>
      guard(() =>
        sql.begin(async (tx) => {
          const [entry] = await tx.unsafe(`select model from vecpods.collections where name = $1 for update`, [collection])
          if (!entry) throw new VecpodsError('unknown_collection', `collection "${collection}" is not on pod "${pod}"; apply its migrations`)
          if (entry.model === null) {
            await tx.unsafe(`update vecpods.collections set model = $2, filled_at = now() where name = $1`, [collection, model])
          } else if (entry.model !== model) {
            throw new VecpodsError('model_mismatch', `collection "${collection}" was filled with model "${entry.model}", not "${model}"`)
          }
          // One JSON document carries the whole batch: no per-type array encoding to get wrong.
          const batch = records.map((r) => ({ id: r.id, vec: vectorText(r.vector), metadata: r.metadata }))
          const result = await tx.unsafe(
            `insert into ${table(collection)} (id, vec, metadata)
             select r ->> 'id', (r ->> 'vec')::extensions.vector, r -> 'metadata'
             from jsonb_array_elements($1::jsonb) as r
             on conflict (id) do update set vec = excluded.vec, metadata = excluded.metadata`,
            [batch] as never,
          )
          return result.count
        }),
      ),

    deleteIds: (collection, ids) =>
      guard(async () => (await sql.unsafe(`delete from ${table(collection)} where id = any($1::text[])`, [ids] as never)).count),

    deleteWhere: (collection, condition: Condition) =>
      guard(async () => {
        const filter = compileFilter(condition)
        return (await sql.unsafe(`delete from ${table(collection)} where ${filter.sql}`, bind(filter))).count
      }),

    catalog: () =>
      guard(async () => {
        const rows = await sql.unsafe(`select name, dims, measure, model from vecpods.collections order by name`)
        return Promise.all(
          rows.map(async (r) => {
            const [{ n }] = (await sql.unsafe(`select count(*)::int as n from ${table(r.name as string)}`)) as unknown as [{ n: number }]
            return { name: r.name, dims: r.dims, measure: r.measure, model: r.model, rows: n } as CatalogRow
          }),
        )
      }),

    ping: () =>
      guard(async () => {
        const started = performance.now()
        await sql.unsafe('select 1')
        return performance.now() - started
      }),

    close: () => sql.end({ timeout: 1 }),
  }
}
