import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { StackOptions } from './options.ts'
import { asDbUser, isRoot, run, tail } from './process.ts'

/** PostgreSQL settings every cluster of the stack gets at initdb time. */
const CLUSTER_CONF = `
# vecpods local stack
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 100
shared_buffers = 128MB
log_min_messages = warning
`

function postgresUid(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim())
  return { uid: id('-u'), gid: id('-g') }
}

function dbUserCanReach(dir: string): boolean {
  if (!isRoot) return true
  return spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', dir]).status === 0
}

/**
 * Where cluster data directories live: `<state>/data/<project>`. As root, the clusters run as the
 * `postgres` user; when that user cannot reach the checkout (a private temp dir, say), the data
 * lives under `/var/lib/vecpods/<hash>/` and `<state>/data` links there.
 */
export function dataRoot(opts: StackOptions): string {
  const link = join(opts.stateDir, 'data')
  if (existsSync(link)) return realpathSync(link)
  mkdirSync(opts.stateDir, { recursive: true })
  let dir = link
  if (!dbUserCanReach(opts.stateDir)) {
    const hash = createHash('sha256').update(opts.stateDir).digest('hex').slice(0, 12)
    dir = `/var/lib/vecpods/${hash}`
    mkdirSync(dir, { recursive: true })
    if (lstatSync(link, { throwIfNoEntry: false })) rmSync(link, { force: true })
    symlinkSync(dir, link)
    opts.log(`  data       the postgres user cannot reach ${opts.stateDir}; data lives in ${dir}`)
  } else {
    mkdirSync(dir, { recursive: true })
  }
  if (isRoot) {
    const { uid, gid } = postgresUid()
    chownSync(dir, uid, gid)
  }
  return dir
}

export interface Cluster {
  project: string
  dataDir: string
  logFile: string
  port: number
}

export function cluster(opts: StackOptions, project: string): Cluster {
  const root = dataRoot(opts)
  return {
    project,
    dataDir: join(root, project),
    logFile: join(root, `${project}.log`),
    port: opts.ports.get(project)!.db,
  }
}

const bin = (opts: StackOptions, name: string) => join(opts.pgBin, name)

/** Creates the cluster's data directory with a scram-protected `postgres` superuser. */
export function initCluster(opts: StackOptions, c: Cluster, password: string): boolean {
  if (existsSync(join(c.dataDir, 'PG_VERSION'))) return false
  const pwfile = `${c.dataDir}.pw`
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 })
  if (isRoot) {
    const { uid, gid } = postgresUid()
    chownSync(pwfile, uid, gid)
  }
  try {
    run(
      ...asDbUser(bin(opts, 'initdb'), [
        '-D',
        c.dataDir,
        '-U',
        'postgres',
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ]),
    )
  } finally {
    rmSync(pwfile, { force: true })
  }
  appendFileSync(join(c.dataDir, 'postgresql.conf'), CLUSTER_CONF)
  return true
}

/** The port a running cluster listens on, from its `postmaster.pid`; undefined when stopped. */
export function runningPort(opts: StackOptions, c: Cluster): number | undefined {
  if (!existsSync(join(c.dataDir, 'postmaster.pid'))) return undefined
  const status = spawnSync(...asDbUser(bin(opts, 'pg_ctl'), ['status', '-D', c.dataDir]), { encoding: 'utf8' })
  if (status.status !== 0) return undefined
  const lines = readFileSync(join(c.dataDir, 'postmaster.pid'), 'utf8').split('\n')
  return Number(lines[3])
}

export function startCluster(opts: StackOptions, c: Cluster): void {
  try {
    run(...asDbUser(bin(opts, 'pg_ctl'), ['start', '-D', c.dataDir, '-l', c.logFile, '-w', '-t', '60', '-o', `-p ${c.port}`]))
  } catch (error) {
    throw new Error(`PostgreSQL for "${c.project}" did not start: ${(error as Error).message}\n${tail(c.logFile)}`)
  }
}

export function stopCluster(opts: StackOptions, c: Cluster): boolean {
  if (runningPort(opts, c) === undefined) return false
  run(...asDbUser(bin(opts, 'pg_ctl'), ['stop', '-D', c.dataDir, '-m', 'fast', '-w', '-t', '60']))
  return true
}
