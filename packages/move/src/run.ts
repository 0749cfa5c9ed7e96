import { projectEnvNames, type Registry } from '@vecpods/registry'
import { abortMove, finishMove, type MoveContext, moveCollection, moveStatus } from './move.ts'

export interface MoveFlags {
  to?: string
  finish?: boolean
  abort?: boolean
  status?: boolean
}

/**
 * What `pnpm move` and `vecpods move` run: a move (`to`), or `--finish`, `--abort` or `--status`
 * of one, with progress lines. `command` is how the user runs it, for the next step's hint.
 */
export async function runMove(
  setting: { registry: Registry; registryFiles: string[]; root: string; env: Record<string, string | undefined>; command: string },
  collection: string,
  flags: MoveFlags,
  log: (line: string) => void,
): Promise<void> {
  const { registry, env } = setting
  const ctx: MoveContext = {
    registry,
    registryFiles: setting.registryFiles,
    root: setting.root,
    dbUrl: (project) => {
      const name = projectEnvNames(registry, project).dbUrl
      const url = env[name]
      if (!url) throw new Error(`${name} is not set (the database of ${project}): pass --env-file`)
      return url
    },
    log,
  }
  if (flags.status) return log(JSON.stringify(await moveStatus(ctx, collection), null, 2))
  if (flags.abort) {
    const undone = await abortMove(ctx, collection)
    return log(undone ? `move ${collection}: aborted at "${undone.phase}"; it stays where it was` : `move ${collection}: no move in progress`)
  }
  if (flags.finish) {
    const done = await finishMove(ctx, collection)
    return log(`move ${collection}: finished; the copy on ${done.source} is dropped, ${done.target} serves it`)
  }
  if (!flags.to) throw new Error('say where to: --to <pod> (or --finish, --abort, --status)')
  let shown = 0
  const result = await moveCollection(ctx, {
    collection,
    to: flags.to,
    onProgress: (p) => {
      if (Date.now() - shown < 1000) return
      shown = Date.now()
      if (p.total !== undefined) log(`  ${p.phase}: ${p.copied} of ${p.total} rows on ${flags.to}`)
      else if (p.lagBytes !== undefined) log(`  ${p.phase}: replication lag ${p.lagBytes} bytes`)
    },
  })
  if (result.copy)
    log(
      `  initial copy: ${result.copy.rows} rows in ${(result.copy.ms / 1000).toFixed(1)} s (${Math.round(result.copy.rows / (result.copy.ms / 1000))} rows/s)`,
    )
  if (result.indexBuildMs !== undefined) log(`  vector index built on ${flags.to} in ${(result.indexBuildMs / 1000).toFixed(1)} s`)
  if (result.pauseMs !== undefined) log(`  writes paused ${Math.round(result.pauseMs)} ms (edges follow the new placement within VECPODS_PLACEMENT_TTL_MS)`)
  if (result.rows !== undefined) log(`  verified: ${result.rows} rows, checksum ${result.checksum} on both pods`)
  log(`move ${collection}: ${result.phase}; \`${setting.command} ${collection} --finish\` drops the copy on ${result.source}`)
}
