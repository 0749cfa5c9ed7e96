/**
 * Stable error codes of the vector-search API, with the HTTP status each one answers with.
 * The edge answers `{ error: { code, message } }`; the SDK exposes the same codes.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_filter: 400,
  dimension_mismatch: 400,
  /** The request asks for more than the caller's role may (registry `publicLimits`). */
  limit_exceeded: 400,
  /** `mode: "text"` or `"hybrid"` on a collection without full text (registry `fullText`). */
  mode_unsupported: 400,
  model_mismatch: 409,
  unauthorized: 401,
  forbidden: 403,
  unknown_collection: 404,
  not_found: 404,
  payload_too_large: 413,
  /**
   * The caller has more requests in flight, or made more this minute, than `publicLimits` allow
   * (per signed-in user, or per client address for anonymous callers); `Retry-After` says when to try again.
   */
  rate_limited: 429,
  unsupported_media_type: 415,
  pod_unavailable: 503,
  /** The function itself (or its embedding model) is starting, restarting or unavailable: retry. */
  service_unavailable: 503,
  timeout: 504,
  internal: 500,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

/** Every code, in declaration order. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[]

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string }
}

/** True for a code the API defines (for clients reading an answer they did not produce). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code)
}
