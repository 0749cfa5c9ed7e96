import { execFileSync } from 'node:child_process'
import { cpus, release, totalmem } from 'node:os'
import { PRIMARY } from '@vecpods/registry'
import { adminSql, denoBinary, type ProjectEndpoints, postgrestBinary, type StackOptions } from '@vecpods/stack'

/** The machine and the versions of every component a run measured. */
export interface Machine {
  cpu: string
  cpus: number
  memoryGiB: number
  kernel: string
  node: string
  deno: string
  postgres: string
  pgvector: string
  postgrest: string
}

const firstLine = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim().split('\n')[0]!
  } catch {
    return 'unknown'
  }
}

export async function describeMachine(stack: StackOptions, eps: Map<string, ProjectEndpoints>): Promise<Machine> {
  const db = adminSql(eps.get(PRIMARY)!.dbUrl)
  try {
    const [row] = await db<{ version: string; vector: string }[]>`
      select current_setting('server_version') as version, (select extversion from pg_extension where extname = 'vector') as vector`
    return {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cpus: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: `Linux ${release()}`,
      node: process.version,
      deno: firstLine(denoBinary(stack), ['--version']),
      postgres: row!.version,
      pgvector: row!.vector,
      postgrest: firstLine(postgrestBinary(), ['--version']),
    }
  } finally {
    await db.end()
  }
}
