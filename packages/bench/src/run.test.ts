import { describe, expect, it } from 'vitest'
import { runClosedLoop, runInterleaved } from './run.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('runClosedLoop', () => {
  it('never has more than `concurrency` requests in flight, and sends exactly `requests`', async () => {
    let inFlight = 0
    let peak = 0
    let ticks = 0
    const result = await runClosedLoop(
      async (q: number) => {
        peak = Math.max(peak, ++inFlight)
        await sleep(2)
        inFlight--
        return q * 2
      },
      [1, 2, 3],
      { concurrency: 4, requests: 10, onRequest: () => ticks++ },
    )
    expect(peak).toBe(4)
    expect(result.latencies).toHaveLength(10)
    expect(ticks).toBe(10)
    expect(result.answers).toEqual([2, 4, 6])
    expect(result.throughput).toBeGreaterThan(0)
    expect(result.errors).toBe(0)
  })

  it('counts failures without timing them and keeps the first message', async () => {
    const result = await runClosedLoop(
      async (q: number) => {
        if (q % 2) throw new Error(`odd ${q}`)
        return q
      },
      [1, 2, 3, 4],
      { concurrency: 1, requests: 4 },
    )
    expect(result.errors).toBe(2)
    expect(result.firstError).toBe('odd 1')
    expect(result.latencies).toHaveLength(2)
    expect(result.answers).toEqual([undefined, 2, undefined, 4])
  })
})

describe('runInterleaved', () => {
  it('sends every query to every call, one request at a time, rotating who goes first', async () => {
    const log: string[] = []
    let inFlight = 0
    let peak = 0
    const call = (name: string) => async (q: number) => {
      peak = Math.max(peak, ++inFlight)
      log.push(`${name}${q}`)
      await sleep(1)
      inFlight--
      return `${name}:${q}`
    }
    let rounds = 0
    const [a, b] = await runInterleaved([call('a'), call('b')], [1, 2], 3, () => rounds++)
    expect(peak).toBe(1)
    expect(rounds).toBe(3)
    expect(log).toEqual(['a1', 'b1', 'b2', 'a2', 'a1', 'b1'])
    expect(a!.answers).toEqual(['a:1', 'a:2'])
    expect(b!.latencies).toHaveLength(3)
    expect(b!.throughput).toBeGreaterThan(0)
  })

  it('counts a failing call without stopping the others', async () => {
    const [bad, good] = await runInterleaved([async () => Promise.reject(new Error('down')), async (q: number) => q], [7], 2)
    expect([bad!.errors, bad!.firstError, bad!.latencies.length]).toEqual([2, 'down', 0])
    expect(good!.answers).toEqual([7])
  })
})
