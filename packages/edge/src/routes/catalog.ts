import type { CollectionInfo, CollectionsResponse, HealthResponse } from '@vecpods/protocol'
import { Hono } from 'hono'
import type { Deployment } from '../deployment.ts'
import { VecpodsError } from '../errors.ts'
import type { CatalogRow, PodClient } from '../pods/types.ts'
import type { AppEnv } from './env.ts'

/** `GET /collections` (what the caller may search, with each pod's live counts) and `GET /health`. */
export function catalogRoutes(dep: Deployment, pods: Map<string, PodClient>): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get('/collections', async (c) => {
      const visible = dep.visible(c.get('role'))
      // One catalog call per pod; a pod that fails marks its collections unavailable.
      const byPod = new Map<string, Promise<CatalogRow[] | VecpodsError>>()
      for (const [, col] of visible) {
        const pod = pods.get(col.pod)
        if (!byPod.has(col.pod)) {
          byPod.set(
            col.pod,
            pod
              ? pod.catalog().catch((e: unknown) => (e instanceof VecpodsError ? e : Promise.reject(e)))
              : Promise.resolve(new VecpodsError('pod_unavailable', `pod "${col.pod}" is not configured`)),
          )
        }
      }
      const data = await Promise.all(
        visible.map(async ([name, col]): Promise<CollectionInfo> => {
          const catalog = await byPod.get(col.pod)!
          const row = catalog instanceof VecpodsError ? undefined : catalog.find((r) => r.name === name)
          return {
            name,
            pod: col.pod,
            dims: col.dims,
            measure: col.measure,
            index: col.index,
            access: col.access,
            columns: col.columns,
            model: row?.model ?? null,
            rows: row?.rows ?? null,
            available: !(catalog instanceof VecpodsError),
          }
        }),
      )
      return c.json({ data, meta: { model: dep.model, embedder: dep.embedderInfo } } satisfies CollectionsResponse)
    })
    .get('/health', async (c) => {
      const entries = await Promise.all(
        [...pods.entries()].map(async ([name, pod]): Promise<[string, HealthResponse['pods'][string]]> => {
          try {
            return [name, { ok: true, latency_ms: Math.round((await pod.ping()) * 100) / 100 }]
          } catch (error) {
            return [name, { ok: false, error: error instanceof VecpodsError ? error.code : 'internal' }]
          }
        }),
      )
      const ok = entries.every(([, e]) => e.ok)
      return c.json({ status: ok ? 'ok' : 'degraded', pods: Object.fromEntries(entries) } satisfies HealthResponse, ok ? 200 : 503)
    })
}
