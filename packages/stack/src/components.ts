import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PRIMARY } from '@vecpods/registry'
import { type Component, type ComponentStatus, endpointOf, healthy, logDir, pad, runDir, type StackContext } from './component.ts'
import { postgresComponent, replicaComponent } from './database-components.ts'
import { httpOk } from './db.ts'
import { FUNCTIONS_MARKER, prepareFunction } from './functions.ts'
import type { GatewaySite } from './gateway/proxy.ts'
import type { StackOptions } from './options.ts'
import { postgrestBinary, postgrestConfig } from './postgrest.ts'
import { readPid, spawnDetached, stopPid } from './process.ts'

export type { Component, ComponentKind, ComponentStatus, StackContext } from './component.ts'
export { logDir }

/** A long-running process the stack spawns, known by its pid file and a marker in its command line. */
function processComponent(
  opts: StackOptions,
  spec: {
    name: string
    id: string
    marker: string
    ports: Component['ports']
    launch(ctx: StackContext): Promise<{ command: string; args: string[]; env?: NodeJS.ProcessEnv }>
    /** Probes after the spawn; each must answer before `start` returns. */
    health(ctx: StackContext): Array<{ what: string; check: () => Promise<boolean>; timeoutMs?: number }>
    started(ctx: StackContext): string
    rows(ctx: StackContext, pid: number | undefined): Promise<ComponentStatus[]>
  },
): Component {
  const pidFile = join(runDir(opts), `${spec.id}.pid`)
  const logFile = join(logDir(opts), `${spec.id}.log`)
  return {
    name: spec.name,
    ports: spec.ports,
    running: () => readPid(pidFile, spec.marker) !== undefined,
    async start(ctx) {
      const { command, args, env } = await spec.launch(ctx)
      spawnDetached(command, args, { logFile, pidFile, cwd: opts.root, ...(env ? { env } : {}) })
      for (const h of spec.health(ctx)) await healthy(h.what, logFile, h.check, h.timeoutMs)
      opts.log(spec.started(ctx))
    },
    stop: () => stopPid(pidFile, spec.marker),
    status: (ctx) => spec.rows(ctx, readPid(pidFile, spec.marker)),
  }
}

function postgrestComponent(opts: StackOptions, project: string): Component {
  const port = opts.ports.get(project)!.postgrest
  const url = `http://127.0.0.1:${port}`
  return processComponent(opts, {
    name: `${project} PostgREST`,
    id: `${project}.postgrest`,
    marker: 'postgrest',
    ports: [{ port, what: `${project} PostgREST` }],
    async launch(ctx) {
      const conf = join(runDir(opts), `${project}.postgrest.conf`)
      writeFileSync(conf, postgrestConfig({ dbPort: opts.ports.get(project)!.db, port, ...ctx.secrets[project]! }), { mode: 0o600 })
      return { command: postgrestBinary(), args: [conf] }
    },
    health: () => [{ what: `PostgREST of ${project} on :${port}`, check: () => httpOk(`${url}/`) }],
    started: () => `  ${pad(project)} PostgREST on :${port}`,
    rows: async (_, pid) => [
      {
        project,
        component: 'postgrest',
        running: pid !== undefined && (await httpOk(`${url}/`).catch(() => false)),
        url,
        ...(pid ? { detail: `pid ${pid}` } : {}),
      },
    ],
  })
}

/** One process serving every project's Supabase-shaped API URL (`/rest/v1`, and `/functions/v1` on the primary). */
function gatewayComponent(opts: StackOptions): Component {
  const apiPort = (project: string) => opts.ports.get(project)!.api
  return processComponent(opts, {
    name: 'gateway',
    id: 'gateway',
    marker: 'gateway/main.ts',
    ports: opts.projects.map((p) => ({ port: apiPort(p), what: `${p} API` })),
    async launch(ctx) {
      const sites: GatewaySite[] = ctx.endpoints.map((ep) => ({
        project: ep.project,
        port: apiPort(ep.project),
        apiKeys: [ep.keys.anonKey, ep.keys.serviceRoleKey],
        upstreams: {
          '/rest/v1': `http://127.0.0.1:${opts.ports.get(ep.project)!.postgrest}`,
          ...(ep.project === PRIMARY ? { '/functions/v1': `http://127.0.0.1:${opts.ports.get(PRIMARY)!.functions}` } : {}),
        },
      }))
      const sitesFile = join(runDir(opts), 'gateway.json')
      writeFileSync(sitesFile, JSON.stringify(sites, null, 2), { mode: 0o600 })
      return { command: process.execPath, args: ['--import', 'tsx', join(import.meta.dirname, 'gateway', 'main.ts'), sitesFile] }
    },
    health: () => opts.projects.map((p) => ({ what: `the API gateway on :${apiPort(p)}`, check: () => httpOk(`http://127.0.0.1:${apiPort(p)}/health`) })),
    started: () => `  gateway    ${opts.projects.map((p) => `:${apiPort(p)}`).join(' ')}`,
    rows: (ctx, pid) =>
      Promise.all(
        ctx.endpoints.map(async (ep) => ({
          project: ep.project,
          component: 'api' as const,
          running: pid !== undefined && (await httpOk(`${ep.apiUrl}/rest/v1/`, { apikey: ep.keys.anonKey }).catch(() => false)),
          url: `${ep.apiUrl}/rest/v1`,
          ...(pid ? { detail: `gateway pid ${pid}` } : {}),
        })),
      ),
  })
}

/**
 * The vector-search function under Deno, supervised: a small Node process restarts it when it
 * dies (see `supervise.ts`), so a crash costs a second of 503s from the gateway, not the stack.
 */
function functionsComponent(opts: StackOptions): Component {
  const port = opts.ports.get(PRIMARY)!.functions
  const supervised = processComponent(opts, {
    name: 'functions',
    id: 'functions',
    marker: 'supervise.ts',
    ports: [{ port, what: 'vector-search edge function' }],
    async launch(ctx) {
      const deno = await prepareFunction(opts, ctx.env, port)
      const supervisor = join(import.meta.dirname, 'supervise.ts')
      return { command: process.execPath, args: ['--import', 'tsx', supervisor, functionsChildPidFile(opts), '--', deno.command, ...deno.args], env: deno.env }
    },
    health: (ctx) => [
      {
        what: `the vector-search function on :${port}`,
        check: () => httpOk(`http://127.0.0.1:${port}/vector-search/health`, { authorization: `Bearer ${endpointOf(ctx, PRIMARY).keys.anonKey}` }),
        timeoutMs: 90_000,
      },
    ],
    started: (ctx) => `  functions  vector-search (Deno) on :${port}, embedder ${ctx.env.VECPODS_EMBEDDER}`,
    async rows(ctx, pid) {
      const primary = endpointOf(ctx, PRIMARY)
      const url = `${primary.apiUrl}/functions/v1/vector-search`
      const running = pid !== undefined && (await httpOk(`${url}/health`, { apikey: primary.keys.anonKey }).catch(() => false))
      const deno = functionsPid(opts)
      return [
        {
          project: PRIMARY,
          component: 'functions',
          running,
          url,
          ...(pid ? { detail: `supervisor pid ${pid}, deno pid ${deno ?? 'none (restarting)'}` } : {}),
        },
      ]
    },
  })
  const stop = async () => (await supervised.stop()) || (await stopPid(functionsChildPidFile(opts), FUNCTIONS_MARKER))
  const fingerprintFile = join(runDir(opts), 'functions.registry')
  /** What the running function was started with: the registry (overlays included) and its environment. */
  const fingerprint = (ctx: StackContext) =>
    createHash('sha256')
      .update(JSON.stringify([opts.registry, ctx.env]))
      .digest('hex')
  return {
    ...supervised,
    async start(ctx) {
      await supervised.start(ctx)
      writeFileSync(fingerprintFile, fingerprint(ctx))
    },
    // The function reads the registry once, at start: after a change, `up` restarts it.
    async provision(ctx) {
      const started = existsSync(fingerprintFile) ? readFileSync(fingerprintFile, 'utf8') : ''
      if (started === fingerprint(ctx)) return
      opts.log('  functions  the registry or its environment changed since the function started: restarting it')
      await stop()
      await this.start(ctx)
    },
    // The supervisor stops its child; should it have died first, the child is stopped here.
    stop,
  }
}

const functionsChildPidFile = (opts: StackOptions) => join(runDir(opts), 'functions.deno.pid')

/**
 * Every process of the stack, in start order: the pods' databases, then the primary's (which
 * connects to them), a PostgREST per project, the gateway (the function reaches PostgREST-transport
 * pods through it), and the vector-search function. `down` stops them in reverse.
 */
export function stackComponents(opts: StackOptions): Component[] {
  const pods = opts.projects.filter((p) => p !== PRIMARY)
  return [
    ...[...pods, PRIMARY].map((p) => postgresComponent(opts, p)),
    ...pods.flatMap((p) => opts.registry.pods[p]!.replicas.map((r) => replicaComponent(opts, p, r.name))),
    ...opts.projects.map((p) => postgrestComponent(opts, p)),
    gatewayComponent(opts),
    functionsComponent(opts),
  ]
}

/** The pid of the running edge function (Deno itself, not its supervisor), if any. */
export function functionsPid(opts: StackOptions): number | undefined {
  return readPid(functionsChildPidFile(opts), FUNCTIONS_MARKER)
}
