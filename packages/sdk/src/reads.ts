import { VecpodsError } from './errors.ts'
import { anySignal, DEFAULT_TIMEOUT_MS } from './http.ts'
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

/** How long a read may take, and how a caller stops it. */
export interface ReadOptions {
  signal?: AbortSignal
  /** Gives up after this many ms (default: the client's `timeoutMs`, else 15000). */
  timeoutMs?: number
}

export interface ListOptions<M> extends ReadOptions {
  /** Rows whose metadata contains this object (`metadata @> where`), e.g. `{ package: 'hono' }`. */
  where?: Partial<M>
  limit?: number
  columns?: string
}

/**
 * Runs a PostgREST read under the caller's signal and a timeout; an abort or the timeout becomes
 * `aborted` / `timeout`, a PostgREST error its SDK code.
 */
async function bounded<T>(
  relation: string,
  options: ReadOptions,
  run: (signal: AbortSignal) => PromiseLike<{ data: unknown; error: PostgrestErrorLike | null; status: number }>,
): Promise<Result<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = anySignal(options.signal ? [options.signal, timeout] : [timeout])
  let answer: { data: unknown; error: PostgrestErrorLike | null; status: number } | undefined
  let thrown: unknown
  try {
    answer = await run(signal)
  } catch (error) {
    thrown = error
  }
  if (options.signal?.aborted) return { data: null, error: new VecpodsError('aborted', 'the request was aborted', 0, { cause: thrown }) }
  if (timeout.aborted) return { data: null, error: new VecpodsError('timeout', `no answer within ${timeoutMs} ms`, 0, { cause: thrown }) }
  if (!answer)
    return { data: null, error: new VecpodsError('network_error', `reading "${relation}" failed: ${(thrown as Error)?.message}`, 0, { cause: thrown }) }
  if (answer.error) return { data: null, error: errorFromPostgrest(answer.error, answer.status, relation) }
  return { data: answer.data as T, error: null }
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
export async function get<M>(db: Readable, relation: string, id: string, options: ReadOptions & { columns?: string } = {}): Promise<Result<Row<M> | null>> {
  const result = await bounded<Row<M> | null>(relation, options, (signal) =>
    db
      .from(relation)
      .select(options.columns ?? DEFAULT_COLUMNS)
      .eq('id', id)
      .abortSignal(signal)
      .maybeSingle(),
  )
  return result.error ? result : { data: result.data ?? null, error: null }
}

/** Rows in id order, optionally those whose metadata contains `where`. */
export async function list<M>(db: Readable, relation: string, options: ListOptions<M> = {}): Promise<Result<Row<M>[]>> {
  return bounded<Row<M>[]>(relation, options, (signal) => {
    let query = db.from(relation).select(options.columns ?? DEFAULT_COLUMNS)
    if (options.where && Object.keys(options.where).length > 0) query = query.contains('metadata', options.where)
    return query
      .order('id', { ascending: true })
      .limit(options.limit ?? 100)
      .abortSignal(signal)
  })
}
