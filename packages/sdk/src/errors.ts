import { type ErrorCode as EdgeErrorCode, ERROR_CODES, isErrorCode } from '@vecpods/protocol'

/** Codes the vector-search edge function answers with: the wire contract's list. */
export const EDGE_ERROR_CODES: readonly EdgeErrorCode[] = ERROR_CODES

/** Codes the SDK adds for failures that never reached an answer, or an answer it cannot read. */
export const CLIENT_ERROR_CODES = ['network_error', 'aborted', 'invalid_response', 'rate_limited', 'http_error'] as const

export type { EdgeErrorCode }
export type ErrorCode = EdgeErrorCode | (typeof CLIENT_ERROR_CODES)[number]

/**
 * Every failure the SDK reports: `code` is stable (the edge's code, or one of the SDK's own),
 * `status` is the HTTP status when there was an answer (0 otherwise), `details` carries what a
 * call knows beyond the message (an upsert's `upserted` count before the failed batch).
 */
export class VecpodsError extends Error {
  override readonly name = 'VecpodsError'
  details?: Record<string, unknown>
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status = 0,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export function isVecpodsError(error: unknown): error is VecpodsError {
  return error instanceof VecpodsError || (error instanceof Error && error.name === 'VecpodsError' && 'code' in error)
}

/** The error an HTTP answer carries: the edge's `{ error: { code, message } }`, else one made from the status. */
export function errorFromResponse(status: number, body: unknown): VecpodsError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
  if (error && isErrorCode(error.code)) return new VecpodsError(error.code, String(error.message ?? error.code), status)
  if (status === 429) return new VecpodsError('rate_limited', 'too many requests', status)
  if (status === 401) return new VecpodsError('unauthorized', 'the API key or session was refused', status)
  return new VecpodsError('http_error', `the server answered HTTP ${status}`, status)
}
