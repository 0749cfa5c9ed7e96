import { loadRegistry } from '@vecpods/registry/node'
import { type ProjectEndpoints, type StackOptions, stackEndpoints, stackEnvironment } from '@vecpods/stack'
import { createApp, type EdgeConfig, loadLocalConfig } from '../../src/index.ts'

/** The edge app in this process on the running stack (with `env` over the stack's settings), and a JSON request helper. */
export interface FaultEdge {
  config: EdgeConfig
  app: ReturnType<typeof createApp>
  primary: ProjectEndpoints
  /** A request as the anon key, or as `key`. */
  call(method: string, path: string, body?: unknown, key?: string): Response | Promise<Response>
}

/**
 * The per-caller limits lifted: this edge's callers are load generators standing in for many
 * clients (thousands of requests a minute under one key); `starvation.test.ts` and the unit tests
 * check the limits themselves.
 */
const UNLIMITED_CALLERS = { requestsPerMinute: 1_000_000, concurrentRequests: 1024, podShare: { perPod: 256, perCaller: 256, maxWaiting: 10_000 } }

export async function faultEdge(opts: StackOptions, env: Record<string, string> = {}): Promise<FaultEdge> {
  const registry = loadRegistry()
  const lifted = { ...registry, publicLimits: { ...registry.publicLimits, ...UNLIMITED_CALLERS } }
  const config = loadLocalConfig(lifted, { ...(await stackEnvironment(opts)), ...env })
  const app = createApp(config)
  const primary = (await stackEndpoints(opts)).find((e) => e.project === 'primary')!
  const call = (method: string, path: string, body?: unknown, key = primary.keys.anonKey) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  return { config, app, primary, call }
}

/** Writes one row tagged `{ run }` into each collection, so a test's searches find only its own rows. */
export async function markedRows(edge: FaultEdge, run: string, vector: number[], collections: string[]): Promise<number[]> {
  const statuses: number[] = []
  for (const collection of collections) {
    const res = await edge.call(
      'POST',
      `/collections/${collection}/records`,
      { records: [{ id: `${run}-${collection}`, vector, metadata: { run } }] },
      edge.primary.keys.serviceRoleKey,
    )
    statuses.push(res.status)
  }
  return statuses
}
