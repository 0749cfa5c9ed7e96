import { type ErrorCode, VecpodsError } from '../errors.ts'

/** SQLSTATEs the pod functions and PostgreSQL raise, as API error codes. */
const SQLSTATE_CODES: Record<string, ErrorCode> = {
  VPC01: 'unknown_collection',
  VPM01: 'model_mismatch',
  VPF01: 'invalid_filter',
  '57014': 'timeout',
  '22000': 'invalid_request',
  '22023': 'invalid_request',
  '22P02': 'invalid_request',
}

/** Connection failures, from either transport: the pod is down or unreachable. */
const UNAVAILABLE =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|CONNECT_TIMEOUT|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED|57P0[1-3]|08\d\d\d|PGRST00[0-3])$/

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
  if (mapped === 'invalid_request') throw new VecpodsError('invalid_request', `pod "${pod}" refused the data: ${text}`, { cause: error })
  if (mapped) throw new VecpodsError(mapped, text.replace(/^vecpods: /, ''), { cause: error })
  if (sqlstate && UNAVAILABLE.test(sqlstate)) {
    throw new VecpodsError('pod_unavailable', `pod "${pod}" is unavailable (${sqlstate})`, { cause: error })
  }
  throw error
}
