import { VecpodsError } from '../errors.ts'

/** The cause of a timeout the edge declared itself: the pod gave no answer at all, not a slow one. */
const DEADLINE = Symbol('client deadline')

/** True for a 504 that the edge's own deadline produced (the pod did not answer), not the pod's statement timeout. */
export const isDeadline = (error: unknown): boolean => error instanceof VecpodsError && error.cause === DEADLINE

/** The 504 a call gets when the pod gave no answer within `ms`. */
export const deadlineExpired = (pod: string, ms: number) => new VecpodsError('timeout', `pod "${pod}" did not answer within ${ms} ms`, { cause: DEADLINE })

/**
 * Settles with `work`, or rejects with 504 `timeout` once `ms` pass without an answer. `cancel`
 * then runs (postgres.js sends a cancel request; a frozen server may never read it, so the answer
 * does not wait for it). Needed because a server's `statement_timeout` cannot fire on a server
 * that has stopped, and an established connection to it waits forever.
 */
export function withDeadline<T>(pod: string, ms: number, work: PromiseLike<T>, cancel?: () => unknown): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        Promise.resolve(cancel?.()).catch(() => {})
      } catch {}
      reject(deadlineExpired(pod, ms))
    }, ms)
  })
  return Promise.race([Promise.resolve(work), expired]).finally(() => clearTimeout(timer))
}
