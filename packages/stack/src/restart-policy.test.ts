import { describe, expect, it } from 'vitest'
import { MAX_RESTARTS, restartDelay } from './restart-policy.ts'

describe('restartDelay', () => {
  it('restarts a process that ran for a while at once, and backs off while it keeps dying young', () => {
    expect(restartDelay([0], 60_000, 60_000)).toBe(200)
    expect(restartDelay([0], 1000, 1000)).toBe(200)
    expect(restartDelay([0, 1000, 2000], 3000, 500)).toBe(800)
    expect(restartDelay([0, 1, 2, 3, 4, 5, 6, 7], 8, 1)).toBe(5000)
  })

  it('gives up after too many restarts within a minute, and forgets old ones', () => {
    const many = Array.from({ length: MAX_RESTARTS + 1 }, (_, i) => i * 1000)
    expect(restartDelay(many, 12_000, 100)).toBeNull()
    expect(restartDelay(many, 200_000, 100)).toBe(200)
  })
})
