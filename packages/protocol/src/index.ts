export type { ErrorBody, ErrorCode } from './errors.ts'
export { ERROR_CODES, ERROR_STATUS, isErrorCode } from './errors.ts'
export type { DeleteRequest, FusionMethod, HybridOptions, Include, SearchMode, SearchRequest, UpsertRecordBody, UpsertRequest } from './requests.ts'
export { FUSION_DEFAULTS, FUSION_KEEPS_TOP, REQUEST_BOUNDS } from './requests.ts'
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
