import { PostgrestClient } from '@supabase/postgrest-js'
import type { VecpodsError } from './errors.ts'
import { DEFAULT_RETRY, type Invoke, type RetryPolicy } from './http.ts'
import { type FetchConnection, type FunctionsClient, fetchInvoke, supabaseInvoke } from './invoke.ts'
import { get, type ListOptions, list, type Readable, type ReadOptions, type Row } from './reads.ts'
import { search } from './search.ts'
import type { Collections, Outcome, SearchOptions, SearchResult } from './types.ts'
import { type DeleteWhat, remove, type UpsertOptions, type UpsertRecord, upsert } from './writes.ts'

interface CommonOptions {
  /** Retries of idempotent reads (default: 2 retries, 250 ms jittered backoff, `Retry-After` honoured). */
  retry?: Partial<RetryPolicy>
  /**
   * Default timeout of every call in ms, a call's own `timeoutMs` winning (default 15000 for
   * reads, 60000 per upsert batch).
   */
  timeoutMs?: number
  /**
   * Where `from(collection)` reads a collection when not from the main client: e.g. its pod's
   * own API (`createClient(podUrl, podAnonKey)`) when the primary has no view or foreign table for it.
   */
  readers?: Record<string, ReaderClient>
}

/** A supabase-js or postgrest-js client (anything with `from(relation)`). */
export interface ReaderClient {
  from(relation: string): unknown
}

export type VectorClientOptions =
  | (CommonOptions & { supabase: FunctionsClient & ReaderClient; functionName?: string })
  | (CommonOptions & FetchConnection & { supabase?: never })

type Name<C> = keyof C & string
/** postgrest-js's builder, untyped by schema (the collection's columns come from the registry). */
type QueryBuilder = ReturnType<PostgrestClient['from']>
type WriteOptions = { signal?: AbortSignal; timeoutMs?: number }

/**
 * The vecpods client. `Throws` is true on the client `throwOnError()` returns: its calls throw
 * their `VecpodsError` and resolve only to successes, so `data` is never null in the types.
 */
export interface VectorClient<C extends Collections = Collections, Throws extends boolean = false> {
  search<K extends Name<C>>(query: string | readonly number[], options: SearchOptions<C, K>): Promise<SearchResult<C, K, Throws>>
  /** The supabase-js query builder on the collection's view or foreign table. */
  from<K extends Name<C>>(collection: K): QueryBuilder
  get<K extends Name<C>>(collection: K, id: string, options?: ReadOptions & { columns?: string }): Promise<Outcome<Row<C[K]> | null, object, Throws>>
  list<K extends Name<C>>(collection: K, options?: ListOptions<C[K]>): Promise<Outcome<Row<C[K]>[], object, Throws>>
  /** Server side, service_role key: batched upsert with progress. */
  upsert<K extends Name<C>>(
    collection: K,
    records: readonly UpsertRecord<C[K]>[],
    options?: UpsertOptions,
  ): Promise<Outcome<{ upserted: number }, object, Throws>>
  /** Server side, service_role key: delete by ids or filter. */
  delete<K extends Name<C>>(collection: K, what: DeleteWhat<C[K]>, options?: WriteOptions): Promise<Outcome<{ deleted: number }, object, Throws>>
  /** The same client, but every call throws its `VecpodsError` instead of returning it. */
  throwOnError(): VectorClient<C, true>
}

/**
 * The vecpods client: `search` through the vector-search edge function, `from` / `get` / `list`
 * through PostgREST (supabase-js), `upsert` / `delete` for service-role code.
 *
 *     const vecpods = createVectorClient<MyCollections>({ supabase })
 *     const { data, error } = await vecpods.search('reset a password', { collection: 'docs' })
 */
export function createVectorClient<C extends Collections = Collections>(options: VectorClientOptions): VectorClient<C> {
  const invoke: Invoke = options.supabase ? supabaseInvoke(options.supabase, options.functionName) : fetchInvoke(options)
  const db = options.supabase ? (options.supabase as unknown as Readable) : restClient(options)
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const readerFor = (collection: string) => (options.readers?.[collection] as Readable | undefined) ?? db
  /** The client's timeout under the call's own options, which win. */
  const timed = <O extends { timeoutMs?: number | undefined }>(opts: O | undefined): O =>
    (options.timeoutMs === undefined ? { ...opts } : { timeoutMs: options.timeoutMs, ...opts }) as O
  const calls: Calls<C> = {
    search: (query, opts) => search<C, never>({ invoke, retry }, query, timed(opts) as never),
    from: (collection) => readerFor(collection).from(collection) as unknown as QueryBuilder,
    get: (collection, id, opts) => get(readerFor(collection), collection, id, timed(opts)),
    list: (collection, opts) => list(readerFor(collection), collection, timed(opts)),
    upsert: (collection, records, opts) => upsert(invoke, collection, records, timed(opts)),
    delete: (collection, what, opts) => remove(invoke, collection, what, timed(opts)),
  }
  return build(calls, false)
}

type Calls<C extends Collections> = Omit<VectorClient<C>, 'throwOnError'>

function build<C extends Collections, T extends boolean>(calls: Calls<C>, throwing: T): VectorClient<C, T> {
  // On a throwing client a result with an error never resolves, so its type is the success side.
  const check = <R extends { error: VecpodsError | null }>(result: R): never => {
    if (throwing && result.error) throw result.error
    return result as never
  }
  return {
    search: async (query, opts) => check(await calls.search(query, opts)),
    from: calls.from,
    get: async (collection, id, opts) => check(await calls.get(collection, id, opts)),
    list: async (collection, opts) => check(await calls.list(collection, opts)),
    upsert: async (collection, records, opts) => check(await calls.upsert(collection, records, opts)),
    delete: async (collection, what, opts) => check(await calls.delete(collection, what, opts)),
    throwOnError: () => build(calls, true),
  }
}

/** postgrest-js on `<url>/rest/v1` with the key, when no supabase-js client was given. */
function restClient(connection: FetchConnection): Readable {
  return new PostgrestClient(`${connection.url.replace(/\/+$/, '')}/rest/v1`, {
    headers: { apikey: connection.key, authorization: `Bearer ${connection.key}` },
    ...(connection.fetch ? { fetch: connection.fetch } : {}),
  }) as unknown as Readable
}
