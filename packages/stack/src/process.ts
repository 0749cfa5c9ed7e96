import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export const isRoot = process.getuid?.() === 0

/** PostgreSQL refuses to run as root: as root, database commands run as the `postgres` OS user. */
export function asDbUser(command: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(command: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: opts.cwd, ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) })
  if (result.error) throw new Error(`${command}: ${result.error.message}`)
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr || result.stdout}`)
  }
  return result
}

/** True when a process with this pid runs and its command line contains `marker`. */
export function isAlive(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)
  } catch {
    return false
  }
}

/** The pid recorded in a pid file, if the process is still the one that wrote it. */
export function readPid(pidFile: string, marker: string): number | undefined {
  if (!existsSync(pidFile)) return undefined
  const pid = Number(readFileSync(pidFile, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 && isAlive(pid, marker) ? pid : undefined
}

/** Starts a long-running process detached from this one, output appended to `logFile`. */
export function spawnDetached(command: string, args: string[], opts: { logFile: string; pidFile: string; cwd?: string; env?: NodeJS.ProcessEnv }): number {
  mkdirSync(dirname(opts.logFile), { recursive: true })
  const out = openSync(opts.logFile, 'a')
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
  })
  closeSync(out)
  child.unref()
  if (!child.pid) throw new Error(`could not start ${command}`)
  writeFileSync(opts.pidFile, `${child.pid}\n`)
  return child.pid
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Stops a process started by `spawnDetached`: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopPid(pidFile: string, marker: string, graceMs = 5000): Promise<boolean> {
  const pid = readPid(pidFile, marker)
  rmSync(pidFile, { force: true })
  if (pid === undefined) return false
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (isAlive(pid, marker) && Date.now() < deadline) await sleep(50)
  if (isAlive(pid, marker)) process.kill(pid, 'SIGKILL')
  return true
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log)'
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
}
