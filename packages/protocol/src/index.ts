export type { ErrorBody, ErrorCode } from './errors.ts'
export { ERROR_CODES, ERROR_STATUS, isErrorCode } from './errors.ts'
export type { DeleteRequest, HybridOptions, Include, SearchMode, SearchRequest, UpsertRecordBody, UpsertRequest } from './requests.ts'
export { HYBRID_DEFAULTS, REQUEST_BOUNDS } from './requests.ts'
export type {
  CollectionInfo,
  CollectionsResponse,
  DeleteResponse,
  HealthResponse,
  PartialError,
  SearchHit,
  SearchMeta,
  SearchResponse,
  UpsertResponse,
} from './responses.ts'
