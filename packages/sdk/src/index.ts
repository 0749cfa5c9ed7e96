export type { ReaderClient, VectorClient, VectorClientOptions } from './client.ts'
export { createVectorClient } from './client.ts'
export type { EdgeErrorCode, ErrorCode } from './errors.ts'
export { CLIENT_ERROR_CODES, EDGE_ERROR_CODES, isVecpodsError, VecpodsError } from './errors.ts'
export type { FieldFilter, Filter } from './filters.ts'
export type { RetryPolicy } from './http.ts'
export type { FetchConnection, FunctionsClient } from './invoke.ts'
export { fetchInvoke, supabaseInvoke } from './invoke.ts'
export type { ListOptions, Readable, ReadOptions, Row } from './reads.ts'
export type { SearchContext } from './search.ts'
export { search } from './search.ts'
export type {
  Collections,
  HybridOptions,
  Metadata,
  Outcome,
  Result,
  SearchHit,
  SearchHitOf,
  SearchMeta,
  SearchMode,
  SearchOptions,
  SearchResult,
  Success,
} from './types.ts'
export type { DeleteWhat, UpsertOptions, UpsertProgress, UpsertRecord } from './writes.ts'
