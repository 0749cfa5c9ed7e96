import { down, stackOptions, status, up } from '../src/index.ts'

/**
 * Brings the real local stack up once for all integration tests. A stack that was already
 * running (a developer's) is reused and left running; one started here is stopped afterwards.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const opts = stackOptions(process.env, (line) => console.log(`[stack] ${line.trim()}`))
  const wasRunning = (await status(opts)).every((c) => c.running)
  await up(opts)
  return async () => {
    if (!wasRunning) await down(opts)
  }
}
