import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { assertPortsFree, PortInUseError, portIsFree } from './ports.ts'

describe('assertPortsFree', () => {
  it('names every port that is taken and what the stack wanted it for', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as { port: number }).port
    try {
      expect(await portIsFree(port)).toBe(false)
      const error = await assertPortsFree([{ port, what: 'pod_a database' }]).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(PortInUseError)
      expect((error as PortInUseError).message).toMatch(new RegExp(`^port ${port} \\(pod_a database\\) is already in use`))
      expect((error as PortInUseError).message).toContain('VECPODS_PORT_BASE')
    } finally {
      blocker.close()
    }
  })

  it('passes when the ports are free', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as { port: number }).port
    await new Promise((r) => probe.close(r))
    await expect(assertPortsFree([{ port, what: 'x' }])).resolves.toBeUndefined()
  })
})
