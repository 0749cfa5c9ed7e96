import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import postgres from 'postgres'
import { migrationsDir } from '@vecpods/codegen'
import { writeLexicalModel } from '@vecpods/lexical-model'
import { PRIMARY } from '@vecpods/registry'
import { bootstrapProject } from './bootstrap.ts'
import { cluster, initCluster, runningPort, startCluster, stopCluster } from './cluster.ts'
import { endpoints, stackEnv, writeEnvFile, type ProjectEndpoints } from './env-file.ts'
import type { GatewaySite } from './gateway/proxy.ts'
import { analyzeForeignTables, connectPod, enableFdwLogin, fdwPods } from './fdw.ts'
import { migrate } from './migrate.ts'
import type { StackOptions } from './options.ts'
import { assertPortsFree, waitFor } from './ports.ts'
import { postgrestBinary, postgrestConfig } from './postgrest.ts'
import { readPid, spawnDetached, stopPid, tail } from './process.ts'
import { loadSecrets, projectKeys } from './secrets.ts'

const GATEWAY_MARKER = 'gateway/main.ts'
const POSTGREST_MARKER = 'postgrest'

const runDir = (opts: StackOptions) => join(opts.stateDir, 'run')
const logDir = (opts: StackOptions) => join(opts.stateDir, 'logs')
const restPidFile = (opts: StackOptions, project: string) => join(runDir(opts), `${project}.postgrest.pid`)
const gatewayPidFile = (opts: StackOptions) => join(runDir(opts), 'gateway.pid')
const functionsPidFile = (opts: StackOptions) => join(runDir(opts), 'functions.pid')
const FUNCTIONS_MARKER = 'vector-search/index.ts'

/** The pid of the running edge function (Deno) the stack started, if any. */
export function functionsPid(opts: StackOptions): number | undefined {
  return readPid(functionsPidFile(opts), FUNCTIONS_MARKER)
}

/**
 * The Deno executable the `deno` npm package ships in its platform package. Started directly, not
 * through the package's Node wrapper, so the pid `down` signals is Deno's own.
 */
export function denoBinary(opts: StackOptions): string {
  const require = createRequire(join(opts.root, 'packages', 'edge', 'package.json'))
  const wrapper = dirname(require.resolve('deno/package.json'))
  return join(dirname(require.resolve('@deno/linux-x64-glibc/package.json', { paths: [wrapper] })), 'deno')
}

/** Superuser connection to one project's database, for bootstrap and migrations. */
export function adminSql(dbUrl: string): postgres.Sql {
  return postgres(dbUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 })
}

async function httpOk(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) })
  await res.body?.cancel()
  return res.ok
}

/** Every project's URLs and keys, from the stack's secrets. */
export async function stackEndpoints(opts: StackOptions): Promise<ProjectEndpoints[]> {
  const secrets = loadSecrets(opts.stateDir, opts.projects)
  return Promise.all(
    opts.projects.map(async (p) => endpoints(p, opts.ports.get(p)!, secrets[p]!, await projectKeys(secrets[p]!, p))),
  )
}

/** The variables `up` writes to the env file: URLs, keys and DB URLs under the registry's names. */
export async function stackEnvironment(opts: StackOptions): Promise<Record<string, string>> {
  const secrets = loadSecrets(opts.stateDir, opts.projects)
  return { ...stackEnv(opts.registry, await stackEndpoints(opts), secrets[PRIMARY]!.jwtSecret), ...embedderEnv(opts) }
}

/**
 * Starts whatever part of the stack is not running: a cluster (initdb, bootstrap, migrations) and
 * a PostgREST per project, then the gateway with Supabase-shaped URLs. Running parts are left
 * alone, so a second `up` is a no-op. Ports are checked before anything starts.
 */
export async function up(opts: StackOptions): Promise<ProjectEndpoints[]> {
  const secrets = loadSecrets(opts.stateDir, opts.projects)
  mkdirSync(runDir(opts), { recursive: true })
  mkdirSync(logDir(opts), { recursive: true })

  const clusters = opts.projects.map((p) => cluster(opts, p))
  const needed: { port: number; what: string }[] = []
  for (const c of clusters) {
    const port = runningPort(opts, c)
    if (port === undefined) needed.push({ port: c.port, what: `${c.project} database` })
    else if (port !== c.port) {
      throw new Error(`the ${c.project} database already runs on port ${port}, not ${c.port}: run \`pnpm stack down\` first`)
    }
    if (!readPid(restPidFile(opts, c.project), POSTGREST_MARKER)) {
      needed.push({ port: opts.ports.get(c.project)!.postgrest, what: `${c.project} PostgREST` })
    }
  }
  if (!readPid(gatewayPidFile(opts), GATEWAY_MARKER)) {
    for (const p of opts.projects) needed.push({ port: opts.ports.get(p)!.api, what: `${p} API` })
  }
  if (!functionsPid(opts)) {
    needed.push({ port: opts.ports.get(PRIMARY)!.functions, what: 'vector-search edge function' })
  }
  await assertPortsFree(needed)
  const fresh = clusters.every((c) => runningPort(opts, c) === undefined)
  try {
    return await startMissing(opts, clusters, secrets)
  } catch (error) {
    // A failed start from nothing leaves nothing running behind it.
    if (fresh) await down(opts).catch(() => {})
    throw error
  }
}

async function startMissing(opts: StackOptions, clusters: ReturnType<typeof cluster>[], secrets: ReturnType<typeof loadSecrets>): Promise<ProjectEndpoints[]> {
  const all = await stackEndpoints(opts)
  const primary = all.find((e) => e.project === PRIMARY)!
  const env = { ...stackEnv(opts.registry, all, secrets[PRIMARY]!.jwtSecret), ...embedderEnv(opts) }
  const fdw = fdwPods(opts.registry)
  for (const c of clusters) {
    const ep = all.find((e) => e.project === c.project)!
    if (runningPort(opts, c) === undefined) {
      if (initCluster(opts, c, secrets[c.project]!.dbPassword)) opts.log(`  ${c.project.padEnd(10)} initdb ${c.dataDir}`)
      startCluster(opts, c)
      opts.log(`  ${c.project.padEnd(10)} postgres on :${c.port}`)
    }
    const sql = adminSql(ep.dbUrl)
    try {
      await bootstrapProject(sql, secrets[c.project]!)
      const result = await migrate(sql, join(opts.root, migrationsDir(c.project)))
      for (const f of result.applied) opts.log(`  ${c.project.padEnd(10)} applied ${f}`)
      for (const f of result.reapplied) opts.log(`  ${c.project.padEnd(10)} re-applied ${f} (generated file changed)`)
      // The pod's migrations made the read-only role the primary's postgres_fdw logs in as.
      if (fdw.includes(c.project)) await enableFdwLogin(sql, secrets[c.project]!)
    } finally {
      await sql.end()
    }
  }
  await connectForeignTables(opts, fdw, all, secrets)

  for (const c of clusters) {
    const pidFile = restPidFile(opts, c.project)
    if (readPid(pidFile, POSTGREST_MARKER)) continue
    const port = opts.ports.get(c.project)!.postgrest
    const conf = join(runDir(opts), `${c.project}.postgrest.conf`)
    writeFileSync(conf, postgrestConfig({ dbPort: c.port, port, ...secrets[c.project]! }), { mode: 0o600 })
    const logFile = join(logDir(opts), `${c.project}.postgrest.log`)
    spawnDetached(postgrestBinary(), [conf], { logFile, pidFile })
    await waitFor(`PostgREST of ${c.project} on :${port}`, () => httpOk(`http://127.0.0.1:${port}/`)).catch((error) => {
      throw new Error(`${(error as Error).message}\n${tail(logFile)}`)
    })
    opts.log(`  ${c.project.padEnd(10)} PostgREST on :${port}`)
  }

  // The gateway before the function: it reaches PostgREST-transport pods through their API URLs.
  if (!readPid(gatewayPidFile(opts), GATEWAY_MARKER)) {
    const sites: GatewaySite[] = all.map((ep) => ({
      project: ep.project,
      port: opts.ports.get(ep.project)!.api,
      apiKeys: [ep.keys.anonKey, ep.keys.serviceRoleKey],
      upstreams: {
        '/rest/v1': `http://127.0.0.1:${opts.ports.get(ep.project)!.postgrest}`,
        ...(ep.project === PRIMARY ? { '/functions/v1': `http://127.0.0.1:${opts.ports.get(PRIMARY)!.functions}` } : {}),
      },
    }))
    const sitesFile = join(runDir(opts), 'gateway.json')
    writeFileSync(sitesFile, JSON.stringify(sites, null, 2), { mode: 0o600 })
    const logFile = join(logDir(opts), 'gateway.log')
    const entry = join(import.meta.dirname, 'gateway', 'main.ts')
    spawnDetached(process.execPath, ['--import', 'tsx', entry, sitesFile], {
      logFile,
      pidFile: gatewayPidFile(opts),
      cwd: opts.root,
    })
    for (const site of sites) {
      await waitFor(`the API gateway on :${site.port}`, () => httpOk(`http://127.0.0.1:${site.port}/health`)).catch((error) => {
        throw new Error(`${(error as Error).message}\n${tail(logFile)}`)
      })
    }
    opts.log(`  gateway    ${sites.map((s) => `:${s.port}`).join(' ')}`)
  }

  if (!functionsPid(opts)) {
    // The Supabase entry file, unchanged, under the real Deno runtime.
    const port = opts.ports.get(PRIMARY)!.functions
    const fnDir = join(opts.root, 'supabase', 'functions', 'vector-search')
    const logFile = join(logDir(opts), 'functions.log')
    if (env.VECPODS_EMBEDDER === 'lexical') {
      const model = await writeLexicalModel(env.VECPODS_MODEL_PATH!)
      if (model.written) opts.log(`  functions  generated the offline lexical model ${model.id} (${model.vocabSize} tokens)`)
    }
    const denoEnv = { ...process.env, ...env, PORT: String(port), DENO_DIR: join(opts.stateDir, 'deno'), NO_COLOR: '1' }
    const config = ['--config', join(fnDir, 'deno.json')]
    const entry = join(fnDir, 'index.ts')
    // Fetch the function's npm dependencies before serving, so the health wait below is not a download.
    if (!existsSync(denoEnv.DENO_DIR)) opts.log(`  functions  fetching the function's npm dependencies into ${denoEnv.DENO_DIR} (first run only)`)
    const cached = spawnSync(denoBinary(opts), ['install', ...config, '--entrypoint', entry], { cwd: opts.root, env: denoEnv, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
    if (cached.status !== 0) throw new Error(`deno could not fetch the function's dependencies:\n${cached.stderr}`)
    // --allow-ffi: onnxruntime-node's addon, which transformers.js uses outside Supabase Edge Runtime.
    spawnDetached(denoBinary(opts), ['run', ...config, '--allow-net', '--allow-env', '--allow-read', '--allow-ffi', entry], {
      logFile,
      pidFile: functionsPidFile(opts),
      cwd: opts.root,
      env: denoEnv,
    })
    await waitFor(`the vector-search function on :${port}`, () => httpOk(`http://127.0.0.1:${port}/vector-search/health`, { authorization: `Bearer ${primary.keys.anonKey}` }), 90_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${tail(logFile)}`)
    })
    opts.log(`  functions  vector-search (Deno) on :${port}, embedder ${env.VECPODS_EMBEDDER}`)
  }

  writeEnvFile(opts.envFile, env)
  return all
}

/** Points the primary's postgres_fdw servers at the pods (user mappings; idempotent) and analyzes the foreign tables. */
async function connectForeignTables(opts: StackOptions, pods: string[], all: ProjectEndpoints[], secrets: ReturnType<typeof loadSecrets>): Promise<void> {
  if (pods.length === 0) return
  const primary = adminSql(all.find((e) => e.project === PRIMARY)!.dbUrl)
  try {
    for (const pod of pods) await connectPod(primary, pod, opts.ports.get(pod)!.db, secrets[pod]!)
    await analyzeForeignTables(primary)
  } finally {
    await primary.end()
  }
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

/** Stops exactly what `up` started, found through its pid files and data directories. */
export async function down(opts: StackOptions): Promise<string[]> {
  const stopped: string[] = []
  if (await stopPid(gatewayPidFile(opts), GATEWAY_MARKER)) stopped.push('gateway')
  if (await stopPid(functionsPidFile(opts), FUNCTIONS_MARKER)) stopped.push('functions')
  for (const p of opts.projects) {
    if (await stopPid(restPidFile(opts, p), POSTGREST_MARKER)) stopped.push(`${p} PostgREST`)
  }
  for (const p of opts.projects) {
    if (stopCluster(opts, cluster(opts, p))) stopped.push(`${p} postgres`)
  }
  return stopped
}

export interface ComponentStatus {
  project: string
  component: 'postgres' | 'postgrest' | 'api' | 'functions'
  running: boolean
  url: string
  detail?: string
}

/** The state of every component, probed live. */
export async function status(opts: StackOptions): Promise<ComponentStatus[]> {
  const all = await stackEndpoints(opts)
  const gatewayPid = readPid(gatewayPidFile(opts), GATEWAY_MARKER)
  const rows: ComponentStatus[] = []
  for (const ep of all) {
    const ports = opts.ports.get(ep.project)!
    const dbPort = runningPort(opts, cluster(opts, ep.project))
    rows.push({
      project: ep.project,
      component: 'postgres',
      running: dbPort !== undefined,
      url: ep.dbUrl.replace(/:[^:@/]+@/, ':****@'),
      ...(dbPort !== undefined && dbPort !== ports.db ? { detail: `running on :${dbPort}` } : {}),
    })
    const restPid = readPid(restPidFile(opts, ep.project), POSTGREST_MARKER)
    rows.push({
      project: ep.project,
      component: 'postgrest',
      running: restPid !== undefined && (await httpOk(`http://127.0.0.1:${ports.postgrest}/`).catch(() => false)),
      url: `http://127.0.0.1:${ports.postgrest}`,
      ...(restPid ? { detail: `pid ${restPid}` } : {}),
    })
    rows.push({
      project: ep.project,
      component: 'api',
      running: gatewayPid !== undefined && (await httpOk(`${ep.apiUrl}/rest/v1/`, { apikey: ep.keys.anonKey }).catch(() => false)),
      url: `${ep.apiUrl}/rest/v1`,
      ...(gatewayPid ? { detail: `gateway pid ${gatewayPid}` } : {}),
    })
  }
  const fnPid = functionsPid(opts)
  const primary = all.find((e) => e.project === PRIMARY)!
  rows.push({
    project: PRIMARY,
    component: 'functions',
    running: fnPid !== undefined && (await httpOk(`${primary.apiUrl}/functions/v1/vector-search/health`, { apikey: primary.keys.anonKey }).catch(() => false)),
    url: `${primary.apiUrl}/functions/v1/vector-search`,
    ...(fnPid ? { detail: `deno pid ${fnPid}` } : {}),
  })
  return rows
}

/** Stops the stack and deletes every project's database; secrets (and so the keys) are kept. */
export async function reset(opts: StackOptions): Promise<ProjectEndpoints[]> {
  await down(opts)
  for (const p of opts.projects) {
    const c = cluster(opts, p)
    rmSync(c.dataDir, { recursive: true, force: true })
    rmSync(c.logFile, { force: true })
    opts.log(`  ${p.padEnd(10)} deleted ${c.dataDir}`)
  }
  return up(opts)
}

/**
 * The embedder every edge process of this stack uses (Deno function, Node entry, tests): the
 * generated offline model unless `VECPODS_EMBEDDER` says otherwise, because these machines
 * cannot download gte-small's weights. `up` writes the model before the function starts.
 */
function embedderEnv(opts: StackOptions): Record<string, string> {
  const choice = process.env.VECPODS_EMBEDDER ?? 'lexical'
  const modelPath = process.env.VECPODS_MODEL_PATH ?? join(opts.stateDir, 'models')
  return choice === 'lexical' || process.env.VECPODS_MODEL_PATH ? { VECPODS_EMBEDDER: choice, VECPODS_MODEL_PATH: modelPath } : { VECPODS_EMBEDDER: choice }
}
