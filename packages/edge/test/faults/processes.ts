import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import type { StackOptions } from '@vecpods/stack'

/** The parent pid of every process, from /proc. */
function parents(): Map<number, number> {
  const out = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      out.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {}
  }
  return out
}

/** A process and all its descendants. */
export function tree(pid: number): number[] {
  const all = parents()
  const found = [pid]
  for (let i = 0; i < found.length; i++) for (const [child, parent] of all) if (parent === found[i]) found.push(child)
  return found
}

/** The postmaster of a project's cluster. */
export function postmasterPid(opts: StackOptions, project: string): number {
  const file = join(realpathSync(join(opts.stateDir, 'data')), project, 'postmaster.pid')
  return Number(readFileSync(file, 'utf8').split('\n')[0])
}

/** A process the stack started, from its pid file under `.vecpods/run/`. */
export function runPid(opts: StackOptions, name: string): number {
  const file = join(opts.stateDir, 'run', `${name}.pid`)
  if (!existsSync(file)) throw new Error(`no pid file ${file}`)
  return Number(readFileSync(file, 'utf8').trim())
}

/** Sends a signal to a process and its descendants (SIGSTOP freezes a whole PostgreSQL cluster this way). */
export function signalTree(pid: number, signal: NodeJS.Signals): void {
  for (const p of tree(pid)) {
    try {
      process.kill(p, signal)
    } catch {}
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
