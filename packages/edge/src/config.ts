import { applyOverlay, efSearchOf, PRIMARY, parseOverlay, projectEnvNames, type Registry, replicaEnvName } from '@vecpods/registry'
import { type EmbedderKit, selectEmbedder } from './embed/select.ts'
import type { Embedder } from './embed/types.ts'
import { type Placement, primaryPlacement } from './placement.ts'
import { withBreaker } from './pods/breaker.ts'
import { type Replica, type ReplicaSet, replicaSet } from './pods/replicas.ts'
import { restPod } from './pods/rest-pod.ts'
import { sqlPod } from './pods/sql-pod.ts'
import type { PodClient } from './pods/types.ts'

/** Request-size limits of the API. */
export interface Limits {
  maxBodyBytes: number
  maxRecords: number
}

export const DEFAULT_LIMITS: Limits = { maxBodyBytes: 4 * 1024 * 1024, maxRecords: 500 }

/** Everything the Hono app needs, built once from the registry and the environment. */
export interface EdgeConfig {
  registry: Registry
  /** Verifies caller JWTs (HS256): the primary project's JWT secret. */
  jwtSecret: string
  pods: Map<string, PodClient>
  limits: Limits
  /** Embeds query text and text records; without one, requests must carry vectors. */
  embedder?: Embedder
  /** Where collections live at run time (the primary's catalog); without one, the registry's placement. */
  placement?: Placement
  /** Read replicas by pod: searches go to them while they are healthy and close behind. */
  replicas?: Map<string, ReplicaSet>
}

export type Env = Record<string, string | undefined>

/** A duration from the environment: a whole number of milliseconds, or `fallback` when unset. */
function millisecondsFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of milliseconds, got "${raw}"`)
  return value
}

/**
 * How long a pod may take, from the environment: `VECPODS_POD_TIMEOUT_MS` (every call; default
 * 5000; `VECPODS_STATEMENT_TIMEOUT_MS` is read as before), `VECPODS_HEALTH_TIMEOUT_MS` (`/health`
 * and the recovery probe; default 1000), `VECPODS_PROBE_INTERVAL_MS` (how often a down pod is
 * probed; default 250).
 */
export function podTimeouts(env: Env): { timeoutMs: number; healthTimeoutMs: number; probeIntervalMs: number } {
  const ms = (name: string, fallback: number) => millisecondsFrom(env, name, fallback)
  return {
    timeoutMs: ms('VECPODS_POD_TIMEOUT_MS', ms('VECPODS_STATEMENT_TIMEOUT_MS', 5000)),
    healthTimeoutMs: ms('VECPODS_HEALTH_TIMEOUT_MS', 1000),
    probeIntervalMs: ms('VECPODS_PROBE_INTERVAL_MS', 250),
  }
}

/**
 * Reads the JWT secret (`VECPODS_JWT_SECRET`, else `SUPABASE_JWT_SECRET`) and each pod's
 * connection settings from the variables the registry names, opens a client per pod, and picks
 * the embedder (`VECPODS_EMBEDDER`, see `selectEmbedder`). `VECPODS_REGISTRY_OVERLAY` (JSON, set
 * by the local stack for the benchmark's collections) adds collections to the registry.
 * Throws naming every missing variable.
 */
export function loadConfig(shipped: Registry, env: Env, embedders: EmbedderKit = {}): EdgeConfig {
  const overlay = env.VECPODS_REGISTRY_OVERLAY
  const registry = overlay ? applyOverlay(shipped, parseOverlay(JSON.parse(overlay), 'VECPODS_REGISTRY_OVERLAY'), 'VECPODS_REGISTRY_OVERLAY') : shipped
  const missing: string[] = []
  const need = (name: string) => {
    const value = env[name]
    if (value === undefined) missing.push(name)
    return value ?? ''
  }
  const jwtSecret = env.VECPODS_JWT_SECRET ?? need('SUPABASE_JWT_SECRET')
  const pods = new Map<string, PodClient>()
  const used = new Set(Object.values(registry.collections).map((c) => c.pod))
  // A pod no collection is on yet may receive one by a move: it gets a client when its settings are there.
  const spare = Object.keys(registry.pods).filter((pod) => !used.has(pod))
  const timeouts = podTimeouts(env)
  const guarded = (client: PodClient) =>
    withBreaker(client, {
      probeIntervalMs: timeouts.probeIntervalMs,
      onChange: (pod, state, reason) => console.warn(`vector-search: pod ${pod} ${state === 'open' ? 'is down' : 'is back'}: ${reason}`),
    })
  /** A SQL client for a pod or one of its replicas (named `pod_a/r1`), with the pod's search settings. */
  const sqlClient = (name: string, pod: string, dbUrl: string) => guarded(sqlPod({ pod: name, dbUrl, ...timeouts, sessionEfSearch: efSearchOf(registry, pod) }))
  for (const pod of [...used, ...spare]) {
    // A pod with collections must have its settings; a spare one is opened only when they are there.
    const setting = used.has(pod) ? need : (name: string) => env[name] ?? ''
    const names = projectEnvNames(registry, pod)
    const transport = pod === PRIMARY ? 'sql' : registry.pods[pod]!.transport
    if (transport === 'sql') {
      const dbUrl = setting(names.dbUrl)
      if (dbUrl) pods.set(pod, sqlClient(pod, pod, dbUrl))
    } else {
      const url = setting(names.restUrl)
      const serviceKey = setting(names.serviceKey)
      const jwtSecret = env[names.jwtSecret]
      if (url && serviceKey) pods.set(pod, guarded(restPod({ pod, url, serviceKey, ...(jwtSecret ? { jwtSecret } : {}), ...timeouts })))
    }
  }
  // Read replicas the registry declares and whose URL the environment gives.
  const replicas = new Map<string, ReplicaSet>()
  for (const [pod, spec] of Object.entries(registry.pods)) {
    if (spec.transport !== 'sql' || !pods.has(pod)) continue
    const members = spec.replicas.flatMap(({ name }): Replica[] => {
      const dbUrl = env[replicaEnvName(registry, pod, name)]
      return dbUrl ? [{ name: `${pod}/${name}`, client: sqlClient(`${pod}/${name}`, pod, dbUrl) }] : []
    })
    if (members.length) replicas.set(pod, replicaSet(members, spec.maxReplicaLagMs))
  }
  if (missing.length) throw new Error(`vector-search: missing environment variables ${missing.join(', ')}`)
  const embedder = selectEmbedder(registry, env, embedders)
  // The run-time placement catalog on the primary (VECPODS_PLACEMENT=registry turns it off).
  const primaryDb = env[projectEnvNames(registry, PRIMARY).dbUrl]
  const placement =
    primaryDb && env.VECPODS_PLACEMENT !== 'registry'
      ? primaryPlacement({ dbUrl: primaryDb, ttlMs: millisecondsFrom(env, 'VECPODS_PLACEMENT_TTL_MS', 2000), timeoutMs: timeouts.healthTimeoutMs })
      : undefined
  return {
    registry,
    jwtSecret,
    pods,
    limits: DEFAULT_LIMITS,
    ...(embedder ? { embedder } : {}),
    ...(placement ? { placement } : {}),
    ...(replicas.size ? { replicas } : {}),
  }
}

/**
 * Loads the embedding model now rather than on the first request (in the background; a failure
 * is logged and retried by the first request that needs the model).
 */
export function warmUp(config: EdgeConfig): void {
  config.embedder?.embed(['warm up']).catch((error: unknown) => console.error('vector-search: the embedding model did not load:', error))
}
