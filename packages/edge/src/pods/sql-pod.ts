import { distanceOperator, vecsTable } from '@vecpods/registry'
import postgres from 'postgres'
import { VecpodsError } from '../errors.ts'
import { type CompiledFilter, type Predicate, renderPredicate } from '../filters/index.ts'
import { withDeadline } from './deadline.ts'
import { type TextSearchRow, textSearchArgs, textSearchHit, upsertBatch, vectorText } from './encode.ts'
import { podError } from './pod-errors.ts'
import type { CatalogRow, PodClient, PodHit, PodRecord, PodSearch, PodTextSearch } from './types.ts'

export interface SqlPodOptions {
  pod: string
  dbUrl: string
  /** Connections per pod (default 5). */
  max?: number
  /**
   * Every call's deadline in ms (default 5000), as the server's `statement_timeout` and, 250 ms
   * later, on the client: a pod that stops answering cannot enforce its own timeout.
   */
  timeoutMs?: number
  /** Deadline of `ping` and `probe` in ms (default 1000). */
  healthTimeoutMs?: number
  /**
   * `hnsw.ef_search` set on every connection (the registry's `efSearch` for the pod): a search
   * asking for exactly this runs as a direct statement; any other value goes through the pod's
   * `vecpods.search`.
   */
  sessionEfSearch: number
}

/**
 * Parameters as postgres.js wants them: it learns each parameter's type from the server and
 * JSON-encodes values bound to jsonb, so jsonb text is handed over parsed.
 */
const bind = (filter: CompiledFilter) => filter.params.map((p, i) => (filter.types[i] === 'jsonb' ? JSON.parse(p) : p))

/** What `vectorText` gives for finite numbers: digits, signs, points, exponents and commas. */
const VECTOR_TEXT = /^\[[-+0-9.eE,]*\]$/

/**
 * The query vector as a SQL literal. postgres.js without prepared statements asks the server for a
 * statement's parameter types before it binds them: a round trip more for every statement that has
 * parameters. An unfiltered search has none then: the vector, built here from numbers, is the
 * only value, and it is written into the statement (checked to be numbers only).
 */
export function vectorLiteral(v: number[]): string {
  const text = vectorText(v)
  if (!VECTOR_TEXT.test(text)) throw new VecpodsError('invalid_request', 'a query vector holds finite numbers only')
  return `'${text}'::extensions.vector`
}

/**
 * The search as one statement over the collection's table: the vector written in as a literal
 * (`vectorLiteral`), the filter's values as parameters.
 */
export function directSearch(q: PodSearch): [string, unknown[]] {
  const op = distanceOperator(q.measure)
  const filter = q.filter ? renderPredicate(q.filter, 'metadata', 1) : undefined
  const vector = vectorLiteral(q.vector)
  const columns = ['id', `vec ${op} ${vector} as distance`]
  if (q.includeMetadata) columns.push('metadata')
  if (q.includeValue) columns.push('vec::text as value')
  const text =
    `select ${columns.join(', ')} from ${vecsTable(q.collection)}` +
    (filter ? ` where ${filter.sql}` : '') +
    ` order by vec ${op} ${vector} limit ${Math.trunc(q.limit)}`
  return [text, filter ? bind(filter) : []]
}

/** What a pooled connection to a pod that restarted reports on its next use. */
const STALE_CONNECTION = /^(CONNECTION_CLOSED|ECONNRESET|EPIPE|57P01|57P02|57P03)$/

/**
 * Reaches a pod over SQL with postgres.js: a bounded pool, no prepared statements (so it works
 * through a transaction-mode pooler), a statement timeout, the pod's `hnsw.ef_search`, and HNSW
 * iterative scans switched on for the session so filtered queries return the full `limit` when
 * enough rows match. Every search is one statement, never a client-side transaction.
 *
 * Filters: the edge lowers each filter once to a predicate tree. This transport renders it here
 * as a parameterised statement (one round trip, planned with the values); the PostgREST
 * transport can only call functions, so it sends the tree to the pod's `vecpods.search`, whose
 * `vecpods.filter_sql` renders the same SQL with quoted values. Writes use the pod functions on
 * both transports.
 */
export function sqlPod(options: SqlPodOptions): PodClient {
  const timeoutMs = options.timeoutMs ?? 5000
  const healthMs = options.healthTimeoutMs ?? 1000
  const deadline = timeoutMs + 250
  const sql = postgres(options.dbUrl, {
    max: options.max ?? 5,
    prepare: false,
    idle_timeout: 30,
    connect_timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
    // Reconnect attempts after a failure wait at most 1 s (postgres.js's default grows to 20 s).
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
    onnotice: () => {},
    // No catalog query of array types on connect: postgres.js runs it unawaited, so when the pod's
    // statement_timeout cancels it (a pod too slow to answer within the deadline) the rejection is
    // unhandled and takes the runtime down (porsager/postgres#1192). Arrays go as jsonb instead.
    fetch_types: false,
    connection: {
      application_name: 'vecpods-edge',
      statement_timeout: timeoutMs,
      'hnsw.iterative_scan': 'relaxed_order',
      'hnsw.ef_search': options.sessionEfSearch,
      // The vector index, not a sequential scan: pgvector's cost model prices HNSW by ef_search, and
      // at a tuned ef_search of 60 the planner answered docs (5k rows) with an exact scan in 11 ms
      // where the index takes 0.7 ms. Exact searches turn index scans off and still get one.
      enable_seqscan: 'off',
      // A disabled node costs 10^10, past the JIT threshold: JIT would add 100+ ms to exact searches.
      jit: 'off',
    } as Record<string, string | number>,
  })
  const { pod } = options
  /** One statement under the deadline, cancelled on the pod when the deadline passes first. */
  const run = <T>(pending: postgres.PendingQuery<T extends readonly postgres.MaybeRow[] ? T : never>, ms = deadline) =>
    withDeadline(pod, ms, pending, () => pending.cancel())
  /** One call, its failures as API errors. */
  const guard = <T>(work: () => Promise<T>): Promise<T> => work().catch((error: unknown) => podError(pod, error))
  /**
   * A read, tried once more when its pooled connection turns out dead (the pod restarted since it
   * was opened): the retry gets a fresh connection. Writes are never retried here.
   */
  const read = <T>(work: () => Promise<T>): Promise<T> =>
    work()
      .catch((error: unknown) => (STALE_CONNECTION.test((error as { code?: string }).code ?? '') ? work() : Promise.reject(error)))
      .catch((error: unknown) => podError(pod, error))

  return {
    pod,
    search: (q: PodSearch) =>
      read(async () => {
        // With the session's settings, one parameterised statement; other settings, a signed-in
        // caller the pod must act for and a binary-quantized index (candidates, then a re-rank) go
        // through the pod's vecpods.search, which sets them for its own statement only: never a
        // client-side transaction, nothing left on the pooled connection.
        const rows =
          q.efSearch === options.sessionEfSearch && !q.exact && !q.actAs && !q.quantized
            ? await run(sql.unsafe(...(directSearch(q) as [string, never[]])))
            : await run(
                sql.unsafe(`select id, distance, metadata, value from vecpods.search($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9::jsonb)`, [
                  q.collection,
                  vectorText(q.vector),
                  q.limit,
                  q.filter ?? null,
                  q.efSearch,
                  q.exact,
                  q.includeMetadata,
                  q.includeValue,
                  q.actAs ?? null,
                ] as never),
              )
        return rows.map(
          (r): PodHit => ({
            id: r.id as string,
            distance: Number(r.distance),
            ...(q.includeMetadata ? { metadata: r.metadata as Record<string, unknown> } : {}),
            ...(q.includeValue ? { value: JSON.parse(r.value as string) as number[] } : {}),
          }),
        )
      }),

    textSearch: (q: PodTextSearch) =>
      read(async () => {
        const rows = await run(
          sql.unsafe(
            `select id, score, vector_rank, text_rank, distance, metadata, value from vecpods.text_search($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, caller => $14::jsonb)`,
            [...textSearchArgs(q), q.actAs ?? null] as never,
          ),
        )
        return rows.map((r) => textSearchHit(r as unknown as TextSearchRow, q))
      }),

    // Writes and the catalog go through the pod's vecpods.* functions, as over PostgREST.
    upsert: (collection, model, records: PodRecord[], actAs) =>
      guard(async () => {
        const [row] = await run(
          sql.unsafe(`select vecpods.upsert($1, $2, $3::jsonb, $4::jsonb) as n`, [collection, model, upsertBatch(records), actAs ?? null] as never),
        )
        return row!.n as number
      }),

    deleteIds: (collection, ids, actAs) =>
      guard(
        async () =>
          (
            await run(
              sql.unsafe(`select vecpods.delete_ids($1, array(select jsonb_array_elements_text($2::jsonb)), $3::jsonb) as n`, [
                collection,
                ids,
                actAs ?? null,
              ] as never),
            )
          )[0]!.n as number,
      ),

    deleteWhere: (collection, filter: Predicate, actAs) =>
      guard(
        async () =>
          (await run(sql.unsafe(`select vecpods.delete_where($1, $2::jsonb, $3::jsonb) as n`, [collection, filter, actAs ?? null] as never)))[0]!.n as number,
      ),

    catalog: () =>
      read(async () => {
        const rows = await run(sql.unsafe(`select name, dims, measure, model, rows from vecpods.catalog()`))
        return rows.map((r) => ({ name: r.name, dims: r.dims, measure: r.measure, model: r.model, rows: Number(r.rows) }) as CatalogRow)
      }),

    modelOf: (collection) =>
      read(async () => {
        const [row] = await run(sql.unsafe(`select model from vecpods.collections where name = $1`, [collection]))
        if (!row) throw new VecpodsError('unknown_collection', `collection "${collection}" is not on pod "${pod}"; apply its migrations`)
        return row.model as string | null
      }),

    lagMs: () =>
      guard(async () => {
        const [row] = await run(
          // Not streaming (no WAL received since the replica started): how far behind is unknown.
          // Replayed all it received: 0, even right after a restart, when the receive position
          // still names the start of the segment it streams from. Otherwise, the age of the last
          // transaction it replayed (unknown before it has replayed one).
          sql.unsafe(`select case when not pg_is_in_recovery() then 0
            when pg_last_wal_receive_lsn() is null then null
            when pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() then 0
            else extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000 end as lag`),
          healthMs,
        )
        return row!.lag === null ? Number.POSITIVE_INFINITY : Number(row!.lag)
      }),

    ping: () =>
      guard(async () => {
        const started = performance.now()
        await run(sql.unsafe('select 1'), healthMs)
        return performance.now() - started
      }),

    probe: () =>
      guard(async () => {
        // A connection of its own: the pool's may all be waiting on a pod that froze.
        const once = postgres(options.dbUrl, { max: 1, prepare: false, fetch_types: false, connect_timeout: Math.ceil(healthMs / 1000), onnotice: () => {} })
        try {
          await withDeadline(pod, healthMs, once.unsafe('select 1'))
        } finally {
          void once.end({ timeout: 0 }).catch(() => {})
        }
      }),

    close: () => sql.end({ timeout: 1 }),
  }
}
