// Entry of a supervisor process: `supervise.ts <child-pid-file> -- <command> [args…]`. Runs the
// command, restarts it when it dies (after 0.2 s, doubling to 5 s while it keeps dying young), gives
// up after 10 restarts within a minute, and on SIGTERM / SIGINT stops the child and exits. The
// child's pid is kept in <child-pid-file>, so tools can signal or measure the child itself.
import { type ChildProcess, spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { restartDelay } from './restart-policy.ts'

const [pidFile, separator, command, ...args] = process.argv.slice(2)
if (!pidFile || separator !== '--' || !command) throw new Error('usage: supervise.ts <child-pid-file> -- <command> [args…]')

let child: ChildProcess | undefined
let stopping = false
const starts: number[] = []

function start(): void {
  starts.push(Date.now())
  child = spawn(command!, args, { stdio: 'inherit' })
  if (child.pid) writeFileSync(pidFile!, `${child.pid}\n`)
  const started = Date.now()
  child.once('exit', (code, signal) => {
    rmSync(pidFile!, { force: true })
    if (stopping) return process.exit(0)
    const delay = restartDelay(starts, Date.now(), Date.now() - started)
    if (delay === null) {
      console.error(`supervise: ${command} died ${starts.length} times within a minute; giving up`)
      return process.exit(1)
    }
    console.error(`supervise: ${command} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`)
    setTimeout(start, delay)
  })
}

const stop = () => {
  stopping = true
  if (!child || child.exitCode !== null || child.signalCode !== null) process.exit(0)
  child.kill('SIGTERM')
  setTimeout(() => child?.kill('SIGKILL'), 5000).unref()
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
start()
