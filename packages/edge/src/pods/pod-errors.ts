import { type ErrorCode, VecpodsError } from '../errors.ts'
import { isDeadline } from './deadline.ts'

/** SQLSTATEs the pod functions raise, and PostgreSQL's that are not about the data, as API error codes. */
const SQLSTATE_CODES: Record<string, ErrorCode> = {
  VPC01: 'unknown_collection',
  VPM01: 'model_mismatch',
  VPF01: 'invalid_filter',
  VPT01: 'mode_unsupported',
  VPW01: 'service_unavailable',
  // Acting for a caller: only the service role may (VPA01), the caller needs the owner claim (VPA02).
  VPA01: 'forbidden',
  VPA02: 'forbidden',
  VPA03: 'invalid_request',
  // Row-level security refused a row (another owner's, on an upsert) or a privilege is missing.
  '42501': 'forbidden',
  '57014': 'timeout',
}

/**
 * PostgreSQL refusing the data itself: class 22 (data exception: out-of-range numbers, bad
 * encodings, malformed JSON), 54000 (a value too large for an index row) and PostgREST's PGRST1xx
 * (a request it could not read). The request is at
 * fault, so these are 400, never 500.
 */
const REFUSED_DATA = /^(22[0-9A-Z]{3}|54000|PGRST1\d\d)$/

/** Connection failures, from either transport: the pod is down, restarting or unreachable. */
const UNAVAILABLE =
  /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|CONNECT_TIMEOUT|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED|57P0[1-3]|08\d\d\d|PGRST00[0-3])$/

/** A pod that is down or did not answer in time: what a fan-out survives. */
export const isPodOutage = (error: unknown): boolean => error instanceof VecpodsError && (error.code === 'pod_unavailable' || error.code === 'timeout')

/**
 * A read replica unreachable, or silent past the edge's deadline: what a read falls back to the
 * pod from. Not its statement timeout, which says the query itself is too costly (the pod would
 * spend the same time on it again: a 5 s deadline cost the pods 10 s that way).
 */
export const isReplicaFailure = (error: unknown): boolean => error instanceof VecpodsError && (error.code === 'pod_unavailable' || isDeadline(error))

/**
 * Maps a pod failure to an API error: unreachable pods answer 503 `pod_unavailable`, statement
 * timeouts 504 `timeout`, refused data 400; anything else is rethrown as an internal error.
 */
export function podError(pod: string, error: unknown, code?: string, message?: string): never {
  if (error instanceof VecpodsError) throw error
  const sqlstate = code ?? (error as { code?: string }).code
  const text = message ?? (error as { message?: string }).message ?? String(error)
  const mapped = sqlstate ? SQLSTATE_CODES[sqlstate] : undefined
  if (mapped === 'timeout') throw new VecpodsError('timeout', `pod "${pod}" did not answer in time`, { cause: error })
  if (sqlstate && REFUSED_DATA.test(sqlstate)) throw new VecpodsError('invalid_request', `pod "${pod}" refused the data: ${text}`, { cause: error })
  if (mapped) throw new VecpodsError(mapped, text.replace(/^vecpods: /, ''), { cause: error })
  if (sqlstate && UNAVAILABLE.test(sqlstate)) {
    throw new VecpodsError('pod_unavailable', `pod "${pod}" is unavailable (${sqlstate})`, { cause: error })
  }
  throw error
}
