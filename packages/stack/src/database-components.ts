import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { migrationsDir, overlayMigrations } from '@vecpods/codegen'
import { fdwPods, PRIMARY, replicaEnvName } from '@vecpods/registry'
import { bootstrapProject } from './bootstrap.ts'
import { cluster, initCluster, initReplica, replicaCluster, runningPort, startCluster, stopCluster } from './cluster.ts'
import { type Component, endpointOf, pad } from './component.ts'
import { adminSql } from './db.ts'
import { analyzeForeignTables, connectPod, enableFdwLogin } from './fdw.ts'
import { migrate } from './migrate.ts'
import { type StackOptions, shownPath } from './options.ts'

/** A project's PostgreSQL cluster: initdb on first start, then bootstrap and migrations on every `up`. */
export function postgresComponent(opts: StackOptions, project: string): Component {
  const c = cluster(opts, project)
  const fdw = fdwPods(opts.registry)
  return {
    name: `${project} postgres`,
    ports: [{ port: c.port, what: `${project} database` }],
    running() {
      const port = runningPort(opts, c)
      if (port !== undefined && port !== c.port)
        throw new Error(`the ${project} database already runs on port ${port}, not ${c.port}: run \`pnpm stack down\` first`)
      return port !== undefined
    },
    async start(ctx) {
      if (initCluster(opts, c, ctx.secrets[project]!.dbPassword)) opts.log(`  ${pad(project)} initdb ${shownPath(opts, c.dataDir)}`)
      startCluster(opts, c)
      opts.log(`  ${pad(project)} postgres on :${c.port}`)
    },
    async provision(ctx) {
      const sql = adminSql(endpointOf(ctx, project).dbUrl)
      try {
        await bootstrapProject(sql, ctx.secrets[project]!)
        const shipped = await migrate(sql, join(opts.root, migrationsDir(project)))
        const overlaid = await migrate(sql, writeOverlayMigrations(opts, project))
        const result = { applied: [...shipped.applied, ...overlaid.applied], reapplied: [...shipped.reapplied, ...overlaid.reapplied] }
        for (const f of result.applied) opts.log(`  ${pad(project)} applied ${f}`)
        for (const f of result.reapplied) opts.log(`  ${pad(project)} re-applied ${f} (generated file changed)`)
        // The pod's migrations made the read-only role the primary's postgres_fdw logs in as.
        if (fdw.includes(project)) await enableFdwLogin(sql, ctx.secrets[project]!.fdwPassword)
        // Pods start before the primary, so they are migrated by now: point its foreign servers at them.
        if (project === PRIMARY && fdw.length) {
          // A pod whose registry entry says so is read through one of its replicas (same roles, same password).
          for (const pod of fdw) {
            const from = opts.registry.pods[pod]?.foreignTablesFrom
            const port = from ? replicaCluster(opts, pod, from).port : opts.ports.get(pod)!.db
            await connectPod(sql, pod, { host: '127.0.0.1', port, dbname: 'postgres' }, ctx.secrets[pod]!.fdwPassword)
          }
          // Statistics for foreign tables that have none (new or re-created), or all of them when
          // migrations changed: an \`up\` of a running stack stays quick. After large loads, the
          // seed and \`pnpm bench\` refresh them (after \`pnpm run import\`: \`analyze public.<name>\`).
          await analyzeForeignTables(sql, { onlyNeverAnalyzed: result.applied.length + result.reapplied.length === 0 })
        }
      } finally {
        await sql.end()
      }
    },
    stop: async () => stopCluster(opts, c),
    async status(ctx) {
      const port = runningPort(opts, c)
      const url = endpointOf(ctx, project).dbUrl.replace(/:[^:@/]+@/, ':****@')
      return [
        {
          project,
          component: 'postgres',
          running: port !== undefined,
          url,
          ...(port !== undefined && port !== c.port ? { detail: `running on :${port}` } : {}),
        },
      ]
    },
  }
}

/** Writes the overlays' migrations of a project under the state directory (afresh each time); returns the directory. */
function writeOverlayMigrations(opts: StackOptions, project: string): string {
  const dir = join(opts.stateDir, 'overlay', project, 'migrations')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const file of overlayMigrations(opts.shipped, opts.registry, project)) writeFileSync(join(dir, file.path), file.content)
  return dir
}

/**
 * A pod's streaming read replica: \`pg_basebackup\` from the running pod on first start, then a
 * read-only cluster on its own port that follows the pod (hot standby).
 */
export function replicaComponent(opts: StackOptions, pod: string, replica: string): Component {
  const c = replicaCluster(opts, pod, replica)
  const label = `${pod}/${replica}`
  return {
    name: `${label} postgres`,
    ports: [{ port: c.port, what: `${label} read replica` }],
    running: () => runningPort(opts, c) !== undefined,
    async start(ctx) {
      if (initReplica(opts, c, cluster(opts, pod), ctx.secrets[pod]!.dbPassword))
        opts.log(`  ${pad(label)} pg_basebackup from ${pod} into ${shownPath(opts, c.dataDir)}`)
      startCluster(opts, c)
      opts.log(`  ${pad(label)} read replica on :${c.port}`)
    },
    stop: async () => stopCluster(opts, c),
    async status(ctx) {
      const port = runningPort(opts, c)
      const url = ctx.env[replicaEnvName(opts.registry, pod, replica)]!.replace(/:[^:@/]+@/, ':****@')
      return [{ project: label, component: 'postgres', running: port !== undefined, url, detail: 'read replica' }]
    },
  }
}
