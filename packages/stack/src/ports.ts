import { createServer } from 'node:net'

/** Resolves true when nothing listens on 127.0.0.1:port. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** Thrown before anything starts when a port the stack needs is taken by another process. */
export class PortInUseError extends Error {
  readonly code = 'port_in_use'
  constructor(readonly taken: { port: number; what: string }[]) {
    super(
      `${taken.map((t) => `port ${t.port} (${t.what})`).join(', ')} ${taken.length > 1 ? 'are' : 'is'} already in use by another process.\n` +
        'Stop that process, or move the whole stack with VECPODS_PORT_BASE=<port> (default 54321).',
    )
    this.name = 'PortInUseError'
  }
}

/** Checks every port at once and throws a `PortInUseError` naming all that are taken. */
export async function assertPortsFree(wanted: { port: number; what: string }[]): Promise<void> {
  const results = await Promise.all(wanted.map(async (w) => ({ ...w, free: await portIsFree(w.port) })))
  const taken = results.filter((r) => !r.free).map(({ port, what }) => ({ port, what }))
  if (taken.length) throw new PortInUseError(taken)
}

/** Polls until `check` resolves true or the timeout passes. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
