import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Stable error codes of the edge API, with the HTTP status each one answers with. */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_filter: 400,
  dimension_mismatch: 400,
  model_mismatch: 409,
  unauthorized: 401,
  forbidden: 403,
  unknown_collection: 404,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  pod_unavailable: 503,
  timeout: 504,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>

export type ErrorCode = keyof typeof ERROR_STATUS

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

  toJSON(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } }
  }
}
