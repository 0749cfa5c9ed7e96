import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { appendFileSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { replicaDbPort } from '@vecpods/registry'
import { type StackOptions, shownPath } from './options.ts'
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

/**
 * Settings given at every start (so clusters made before them get them too): logical replication,
 * which \`pnpm move\` uses to copy a collection between pods while it serves.
 */
const START_SETTINGS = '-c wal_level=logical -c max_replication_slots=16 -c max_wal_senders=16'

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
    opts.log(`  data       the postgres user cannot reach ${shownPath(opts, opts.stateDir)}; data lives in ${dir}`)
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

/** A pod's streaming read replica: its own data directory and port, a copy of the pod's cluster. */
export function replicaCluster(opts: StackOptions, pod: string, replica: string): Cluster {
  const root = dataRoot(opts)
  const index = opts.registry.pods[pod]!.replicas.findIndex((r) => r.name === replica)
  return {
    project: `${pod}_${replica}`,
    dataDir: join(root, `${pod}_${replica}`),
    logFile: join(root, `${pod}_${replica}.log`),
    port: replicaDbPort(opts.ports.get(pod)!, index),
  }
}

/**
 * Makes a replica's data directory by \`pg_basebackup\` from its running pod (\`-R\`: standby mode,
 * streaming from the pod), unless it has one. The replica then starts like any cluster, read-only.
 */
export function initReplica(opts: StackOptions, replica: Cluster, pod: Cluster, password: string): boolean {
  if (existsSync(join(replica.dataDir, 'PG_VERSION'))) return false
  rmSync(replica.dataDir, { recursive: true, force: true })
  run(
    ...asDbUser(bin(opts, 'pg_basebackup'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(pod.port),
      '-U',
      'postgres',
      '-D',
      replica.dataDir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ]),
    { env: { PGPASSWORD: password } },
  )
  return true
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

/** The pid recorded in a cluster's `postmaster.pid`, if the file is there. */
function postmasterPid(c: Cluster): number | undefined {
  const file = join(c.dataDir, 'postmaster.pid')
  if (!existsSync(file)) return undefined
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0])
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

/** 'alive', 'zombie' (killed, not yet reaped: it still holds its pid) or 'gone'. */
function processState(pid: number): 'alive' | 'zombie' | 'gone' {
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z' ? 'zombie' : 'alive'
  } catch {
    return 'gone'
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/**
 * The port a running cluster listens on, from its `postmaster.pid`; undefined when stopped. A
 * postmaster killed a moment ago can linger as a zombie that `pg_ctl status` still counts as
 * running: it is not.
 */
export function runningPort(opts: StackOptions, c: Cluster): number | undefined {
  const pid = postmasterPid(c)
  if (pid === undefined || processState(pid) !== 'alive') return undefined
  const status = spawnSync(...asDbUser(bin(opts, 'pg_ctl'), ['status', '-D', c.dataDir]), { encoding: 'utf8' })
  if (status.status !== 0) return undefined
  const lines = readFileSync(join(c.dataDir, 'postmaster.pid'), 'utf8').split('\n')
  return Number(lines[3])
}

/**
 * Starts a cluster. After a crash, PostgreSQL refuses to start while the dead postmaster's pid is
 * still taken (a zombie) or its backends still hold the shared memory, so a start within a second
 * of a crash waits for the zombie and retries for up to 10 s.
 */
export function startCluster(opts: StackOptions, c: Cluster): void {
  const deadline = Date.now() + 10_000
  const old = postmasterPid(c)
  while (old !== undefined && processState(old) === 'zombie' && Date.now() < deadline) sleepSync(100)
  for (;;) {
    try {
      run(...asDbUser(bin(opts, 'pg_ctl'), ['start', '-D', c.dataDir, '-l', c.logFile, '-w', '-t', '60', '-o', `-p ${c.port} ${START_SETTINGS}`]))
      return
    } catch (error) {
      if (Date.now() < deadline && /lock file|shared memory block is still in use/.test(`${(error as Error).message}\n${tail(c.logFile, 5)}`)) {
        sleepSync(250)
        continue
      }
      throw new Error(`PostgreSQL for "${c.project}" did not start: ${(error as Error).message}\n${tail(c.logFile)}`)
    }
  }
}

export function stopCluster(opts: StackOptions, c: Cluster): boolean {
  if (runningPort(opts, c) === undefined) return false
  run(...asDbUser(bin(opts, 'pg_ctl'), ['stop', '-D', c.dataDir, '-m', 'fast', '-w', '-t', '60']))
  return true
}
