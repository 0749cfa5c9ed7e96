import { VecpodsError } from './errors.ts'
import type { Filter } from './filters.ts'
import { call, DEFAULT_RETRY, type Invoke } from './http.ts'
import type { Result } from './types.ts'

/** A record to upsert: `text` is embedded by the edge function; or give the `vector`. */
export type UpsertRecord<M> = {
  id: string
  metadata?: M
  /**
   * The row's owner on a collection with owners (registry \`access: "owner"\`): given by the
   * service role only (a string, or an array for an owner array); a signed-in user's rows are its own.
   */
  owner?: string | readonly string[]
} & ({ text: string; vector?: never } | { vector: readonly number[]; text?: never })

export interface UpsertProgress {
  done: number
  total: number
  batch: number
  batches: number
}

export interface UpsertOptions {
  /** Records per request (default 100, at most 500); each batch is one transaction on the pod. */
  batchSize?: number
  onProgress?: (progress: UpsertProgress) => void
  model?: string
  signal?: AbortSignal
  /** Per batch (default: the client's `timeoutMs`, else 60000: text batches are embedded before they are written). */
  timeoutMs?: number
}

/**
 * Upserts records in batches, in order, reporting progress after each. Needs the service_role key.
 * Upserts are idempotent on id, so re-running after a failure is safe; the SDK itself never
 * retries a write. On failure `data` is null and `error.details.upserted` counts the records of
 * the batches that landed before the failed one (the message says it too).
 */
export async function upsert<M>(
  invoke: Invoke,
  collection: string,
  records: readonly UpsertRecord<M>[],
  options: UpsertOptions = {},
): Promise<Result<{ upserted: number }>> {
  const size = Math.min(Math.max(options.batchSize ?? 100, 1), 500)
  const batches = Math.ceil(records.length / size)
  let done = 0
  for (let batch = 0; batch < batches; batch++) {
    const slice = records.slice(batch * size, (batch + 1) * size)
    try {
      await call(
        invoke,
        `/collections/${encodeURIComponent(collection)}/records`,
        'POST',
        { records: slice, ...(options.model ? { model: options.model } : {}) },
        {
          signal: options.signal,
          timeoutMs: options.timeoutMs ?? 60_000,
          idempotent: false,
          retry: DEFAULT_RETRY,
        },
      )
    } catch (error) {
      if (!(error instanceof VecpodsError)) throw error
      error.message = `${error.message} (batch ${batch + 1} of ${batches}; ${done} records written before it)`
      error.details = { ...error.details, upserted: done, batch: batch + 1, batches }
      return { data: null, error }
    }
    done += slice.length
    options.onProgress?.({ done, total: records.length, batch: batch + 1, batches })
  }
  return { data: { upserted: done }, error: null }
}

export type DeleteWhat<M> = { ids: readonly string[]; filters?: never } | { filters: Filter<M>; ids?: never }

/** Deletes by ids or by a (non-empty) filter. Needs the service_role key. */
export async function remove<M>(
  invoke: Invoke,
  collection: string,
  what: DeleteWhat<M>,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<Result<{ deleted: number }>> {
  try {
    const answer = await call<{ data: { deleted: number } }>(invoke, `/collections/${encodeURIComponent(collection)}/records`, 'DELETE', what, {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      idempotent: false,
      retry: DEFAULT_RETRY,
    })
    return { data: answer.data, error: null }
  } catch (error) {
    if (error instanceof VecpodsError) return { data: null, error }
    throw error
  }
}
