import { VecpodsError } from './errors.ts'
import { call, DEFAULT_RETRY, type Invoke, type RetryPolicy } from './http.ts'
import type { Collections, SearchHitOf, SearchMeta, SearchOptions, SearchResult } from './types.ts'

export interface SearchContext {
  invoke: Invoke
  retry?: RetryPolicy
}

/**
 * Nearest neighbours of a text (embedded by the edge function) or a vector, in one collection or
 * several (fanned out over their pods and merged by score); with `mode: 'text'` full-text
 * matches of the text, with `mode: 'hybrid'` both fused by reciprocal rank. Reads are retried on
 * 408/429/5xx.
 */
export async function search<C extends Collections = Collections, K extends keyof C & string = keyof C & string>(
  context: SearchContext,
  query: string | readonly number[],
  options: SearchOptions<C, K>,
): Promise<SearchResult<C, K>> {
  const { signal, timeoutMs, collection, collections, ...rest } = options
  const body = {
    ...(collections ? { collections } : { collection }),
    ...(typeof query === 'string' ? { query } : { vector: query }),
    ...rest,
  }
  try {
    const answer = await call<{ data: SearchHitOf<C, K>[]; meta: SearchMeta }>(context.invoke, '/search', 'POST', body, {
      signal,
      timeoutMs,
      idempotent: true,
      retry: context.retry ?? DEFAULT_RETRY,
    })
    return { data: answer.data, meta: answer.meta, error: null }
  } catch (error) {
    if (error instanceof VecpodsError) return { data: null, meta: null, error }
    throw error
  }
}
