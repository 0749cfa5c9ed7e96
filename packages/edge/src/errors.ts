import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@vecpods/protocol'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export type { ErrorCode }
export { ERROR_STATUS }

/** An error the API reports as `{ error: { code, message } }` with the code's status. */
export class VecpodsError extends Error {
  readonly status: ContentfulStatusCode
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'VecpodsError'
    this.status = ERROR_STATUS[code]
  }

  toJSON(): ErrorBody {
    return { error: { code: this.code, message: this.message } }
  }
}
