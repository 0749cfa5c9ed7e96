import { VecpodsError } from './errors.ts'
import type { Result } from './types.ts'

/** The slice of a supabase-js / postgrest-js client that collection reads use. */
export interface Readable {
  from(relation: string): {
    select(columns?: string): ReadQuery
  }
}
interface ReadQuery extends PromiseLike<{ data: unknown; error: PostgrestErrorLike | null; status: number }> {
  eq(column: string, value: unknown): ReadQuery
  contains(column: string, value: unknown): ReadQuery
  order(column: string, options?: { ascending?: boolean }): ReadQuery
  limit(count: number): ReadQuery
  abortSignal(signal: AbortSignal): ReadQuery
  maybeSingle(): ReadQuery
}
interface PostgrestErrorLike {
  code?: string
  message: string
}

/** A collection row as its view (or foreign table) exposes it, without the embedding by default. */
export type Row<M> = { id: string; metadata: M } & Partial<Record<string, unknown>>

export interface ListOptions<M> {
  /** Rows whose metadata contains this object (`metadata @> where`), e.g. `{ package: 'hono' }`. */
  where?: Partial<M>
  limit?: number
  columns?: string
  signal?: AbortSignal
}

const DEFAULT_COLUMNS = 'id, metadata'

/** PostgREST's errors as SDK errors. */
export function errorFromPostgrest(error: PostgrestErrorLike, status: number, relation: string): VecpodsError {
  switch (error.code) {
    case '42501':
      return new VecpodsError('forbidden', `not allowed to read "${relation}": ${error.message}`, status)
    case '42P01':
    case 'PGRST205':
      return new VecpodsError('unknown_collection', `no collection "${relation}" is exposed here: ${error.message}`, status)
    case 'PGRST301':
    case 'PGRST302':
      return new VecpodsError('unauthorized', error.message, status)
    default:
      if (status === 0 || !error.code) return new VecpodsError('network_error', `reading "${relation}" failed: ${error.message}`, status)
      return new VecpodsError('invalid_request', `reading "${relation}" failed (${error.code}): ${error.message}`, status)
  }
}

/** One row by id, or `data: null` when there is none. */
export async function get<M>(db: Readable, relation: string, id: string, options: { columns?: string; signal?: AbortSignal } = {}): Promise<Result<Row<M> | null>> {
  let query = db.from(relation).select(options.columns ?? DEFAULT_COLUMNS).eq('id', id)
  if (options.signal) query = query.abortSignal(options.signal)
  const { data, error, status } = await query.maybeSingle()
  if (error) return { data: null, error: errorFromPostgrest(error, status, relation) }
  return { data: (data as Row<M> | null) ?? null, error: null }
}

/** Rows in id order, optionally those whose metadata contains `where`. */
export async function list<M>(db: Readable, relation: string, options: ListOptions<M> = {}): Promise<Result<Row<M>[]>> {
  let query = db.from(relation).select(options.columns ?? DEFAULT_COLUMNS)
  if (options.where && Object.keys(options.where).length > 0) query = query.contains('metadata', options.where)
  query = query.order('id', { ascending: true }).limit(options.limit ?? 100)
  if (options.signal) query = query.abortSignal(options.signal)
  const { data, error, status } = await query
  if (error) return { data: null, error: errorFromPostgrest(error, status, relation) }
  return { data: data as Row<M>[], error: null }
}
