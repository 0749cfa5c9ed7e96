import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pgCli } from './pg-cli.ts'

/**
 * pgbench at concurrency `clients` (default 1; simple protocol, no vacuum) for `seconds`, over one script per SQL
 * statement (chosen at random each transaction), the session started with `options`
 * (PGOPTIONS); the latency of every transaction in ms, from pgbench's own log.
 */
export function pgbenchLatencies(p: {
  dbUrl: string
  statements: string[]
  seconds: number
  options: string
  dir: string
  label: string
  /** Concurrent clients (default 1). */
  clients?: number
}): number[] {
  const scripts = p.statements.map((statement, i) => {
    const file = join(p.dir, `${p.label.replace(/\W+/g, '-')}-${i}.sql`)
    writeFileSync(file, `${statement}\n`)
    return file
  })
  const db = pgCli(p.dbUrl)
  const logDir = mkdtempSync(join(p.dir, 'log-'))
  const run = spawnSync(
    'pgbench',
    [
      '-n',
      '-M',
      'simple',
      '-c',
      String(p.clients ?? 1),
      '-j',
      String(p.clients ?? 1),
      '-T',
      String(p.seconds),
      '-l',
      '--log-prefix',
      join(logDir, 'tx'),
      ...scripts.flatMap((f) => ['-f', f]),
      ...db.connect,
    ],
    { encoding: 'utf8', env: { ...db.env, PGOPTIONS: p.options } },
  )
  if (run.status !== 0) throw new Error(`pgbench: ${run.stderr}`)
  // Log lines: client_id transaction_no time_us script_no time_epoch time_us_part
  return readdirSync(logDir).flatMap((f) =>
    readFileSync(join(logDir, f), 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(l.split(' ')[2]) / 1000),
  )
}
