import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { overlaidCollections, PRIMARY, replicaEnvName } from '@vecpods/registry'
import { cluster, replicaCluster, runningPort, startCluster, stopCluster } from './cluster.ts'
import { type ComponentStatus, logDir, type StackContext, stackComponents } from './components.ts'
import { endpoints, type ProjectEndpoints, stackEnv, writeEnvFile } from './env-file.ts'
import { embedderEnv } from './functions.ts'
import { type StackOptions, shownPath } from './options.ts'
import { assertPortsFree } from './ports.ts'
import { loadSecrets, projectKeys } from './secrets.ts'

export type { ComponentStatus }

/** Every project's URLs and keys, from the stack's secrets. */
export async function stackEndpoints(opts: StackOptions): Promise<ProjectEndpoints[]> {
  return endpointsOf(opts, loadSecrets(opts.stateDir, opts.projects))
}

function endpointsOf(opts: StackOptions, secrets: ReturnType<typeof loadSecrets>): Promise<ProjectEndpoints[]> {
  return Promise.all(opts.projects.map(async (p) => endpoints(p, opts.ports.get(p)!, secrets[p]!, await projectKeys(secrets[p]!, p))))
}

/** What the components share: secrets (made on first use), endpoints and the env file's variables. */
async function context(opts: StackOptions): Promise<StackContext> {
  const secrets = loadSecrets(opts.stateDir, opts.projects)
  const all = await endpointsOf(opts, secrets)
  const env = { ...stackEnv(opts.registry, all, secrets[PRIMARY]!.jwtSecret), ...replicaEnv(opts, all), ...embedderEnv(opts), ...overlayEnv(opts) }
  return { opts, secrets, endpoints: all, env }
}

/** Each pod replica's database URL: its pod's (the copy keeps the password) on the replica's own port. */
function replicaEnv(opts: StackOptions, projects: ProjectEndpoints[]): Record<string, string> {
  const env: Record<string, string> = {}
  for (const p of projects) {
    for (const r of opts.registry.pods[p.project]?.replicas ?? []) {
      const url = new URL(p.dbUrl)
      url.port = String(replicaCluster(opts, p.project, r.name).port)
      env[replicaEnvName(opts.registry, p.project, r.name)] = url.toString()
    }
  }
  return env
}

/**
 * The overlays' collections for edge processes (`loadConfig` adds them to the shipped registry
 * the function imports), as compact JSON; nothing when the stack has no overlay.
 */
function overlayEnv(opts: StackOptions): Record<string, string> {
  const names = overlaidCollections(opts.shipped, opts.registry)
  if (!names.length) return {}
  // Without descriptions: the value goes into .env.local, which wants one line without spaces.
  const collections = Object.fromEntries(names.map((n) => [n, { ...opts.registry.collections[n]!, description: undefined }]))
  return { VECPODS_REGISTRY_OVERLAY: JSON.stringify({ collections }) }
}

/** The variables `up` writes to the env file: URLs, keys and DB URLs under the registry's names. */
export async function stackEnvironment(opts: StackOptions): Promise<Record<string, string>> {
  return (await context(opts)).env
}

/**
 * Starts whatever part of the stack is not running, in the components' order, and provisions the
 * databases (bootstrap, migrations, foreign servers) on every call. Running parts are left alone,
 * so a second `up` is a no-op. Every port is checked before anything starts.
 */
export async function up(opts: StackOptions): Promise<ProjectEndpoints[]> {
  const ctx = await context(opts)
  mkdirSync(join(opts.stateDir, 'run'), { recursive: true })
  mkdirSync(logDir(opts), { recursive: true })
  const components = stackComponents(opts)
  const stopped = components.filter((c) => !c.running())
  await assertPortsFree(stopped.flatMap((c) => c.ports))
  const fresh = stopped.length === components.length
  try {
    for (const c of components) {
      if (stopped.includes(c)) await c.start(ctx)
      await c.provision?.(ctx)
    }
  } catch (error) {
    // A failed start from nothing leaves nothing running behind it.
    if (fresh) await down(opts).catch(() => {})
    throw error
  }
  writeEnvFile(opts.envFile, ctx.env)
  return ctx.endpoints
}

/** Stops exactly what `up` started (found through pid files and data directories), in reverse order. */
export async function down(opts: StackOptions): Promise<string[]> {
  const stopped: string[] = []
  for (const c of stackComponents(opts).reverse()) if (await c.stop()) stopped.push(c.name)
  return stopped
}

/** The state of every component, probed live. */
export async function status(opts: StackOptions): Promise<ComponentStatus[]> {
  const ctx = await context(opts)
  const rows = await Promise.all(stackComponents(opts).map((c) => c.status(ctx)))
  return rows.flat()
}

/**
 * Stops one project's database and leaves the rest running: how failure tests and benchmarks
 * take a pod away. `startDatabase` (or `up`) brings it back.
 */
export function stopDatabase(opts: StackOptions, project: string): boolean {
  return stopCluster(opts, cluster(opts, project))
}

export function startDatabase(opts: StackOptions, project: string): void {
  const c = cluster(opts, project)
  if (runningPort(opts, c) === undefined) startCluster(opts, c)
}

/** Stops a pod's read replica (tests: the edge must fall back to the pod). */
export function stopReplica(opts: StackOptions, pod: string, replica: string): boolean {
  return stopCluster(opts, replicaCluster(opts, pod, replica))
}

export function startReplica(opts: StackOptions, pod: string, replica: string): void {
  const c = replicaCluster(opts, pod, replica)
  if (runningPort(opts, c) === undefined) startCluster(opts, c)
}

/** Stops the stack and deletes every project's database; secrets (and so the keys) are kept. */
export async function reset(opts: StackOptions): Promise<ProjectEndpoints[]> {
  await down(opts)
  for (const p of opts.projects) {
    const c = cluster(opts, p)
    rmSync(c.dataDir, { recursive: true, force: true })
    rmSync(c.logFile, { force: true })
    opts.log(`  ${p.padEnd(10)} deleted ${shownPath(opts, c.dataDir)}`)
    for (const r of opts.registry.pods[p]?.replicas ?? []) rmSync(replicaCluster(opts, p, r.name).dataDir, { recursive: true, force: true })
  }
  return up(opts)
}
