import { describe, expect, it } from 'vitest'
import { VecpodsError } from '../errors.ts'
import { deadlineExpired } from './deadline.ts'
import { isReplicaFailure, podError } from './pod-errors.ts'

const mapped = (error: unknown, code?: string) => {
  try {
    podError('pod_a', error, code)
  } catch (e) {
    return e instanceof VecpodsError ? [e.code, e.status] : ['rethrown', (e as Error).message]
  }
}
const pg = (code: string) => Object.assign(new Error(`pg ${code}`), { code })

describe('podError', () => {
  it('answers refused data with 400, never 500', () => {
    for (const code of ['22003', '22P02', '22P05', '22021', '2202E', '54000']) expect(mapped(pg(code))).toEqual(['invalid_request', 400])
    expect(mapped(new Error('Empty or invalid json'), 'PGRST102')).toEqual(['invalid_request', 400])
  })

  it('answers a pod that went away mid-request with 503, a server-side cancel with 504', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'CONNECTION_CLOSED', '57P01', '08006'])
      expect(mapped(pg(code))).toEqual(['pod_unavailable', 503])
    expect(mapped(pg('57014'))).toEqual(['timeout', 504])
  })

  it('maps the pod functions’ own states and rethrows what it does not know', () => {
    expect(mapped(pg('VPC01'))).toEqual(['unknown_collection', 404])
    expect(mapped(pg('VPM01'))).toEqual(['model_mismatch', 409])
    expect(mapped(pg('42P01'))).toEqual(['rethrown', 'pg 42P01'])
  })
})

describe('isReplicaFailure', () => {
  it('falls back from a replica that is unreachable or silent past the deadline, not from its own statement timeout', () => {
    expect(isReplicaFailure(new VecpodsError('pod_unavailable', 'pod "pod_a/r1" is unavailable (ECONNREFUSED)'))).toBe(true)
    expect(isReplicaFailure(deadlineExpired('pod_a/r1', 5250))).toBe(true)
    const statementTimeout = (() => {
      try {
        return podError('pod_a/r1', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))
      } catch (error) {
        return error
      }
    })()
    expect(statementTimeout).toMatchObject({ code: 'timeout' })
    expect(isReplicaFailure(statementTimeout)).toBe(false)
    expect(isReplicaFailure(new VecpodsError('invalid_request', 'bad filter'))).toBe(false)
  })
})
