#!/usr/bin/env -S npx tsx
// `pnpm move <collection> --to <pod>`: moves a collection to another pod while it serves (logical
// replication, a short write pause, checksums, a run-time placement switch). `--finish` drops the
// source copy after the switch, `--abort` undoes a move that has not switched, `--status` shows
// where it stands. Safe to re-run after an interruption: it continues from the recorded phase.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { projectEnvNames } from '@vecpods/registry'
import { defaultRegistryPath, loadRegistryWithOverlays, repoRoot } from '@vecpods/registry/node'
import { overlayFiles } from '@vecpods/stack'
import { Command } from 'commander'
import { abortMove, finishMove, type MoveContext, moveCollection, moveStatus } from './move.ts'

interface Flags {
  to?: string
  finish?: boolean
  abort?: boolean
  status?: boolean
  envFile: string
}

const program = new Command('vecpods-move')
  .description('Move a collection to another pod online (logical replication), then --finish to drop the source copy')
  .argument('<collection>')
  .option('--to <pod>', 'the pod to move it to')
  .option('--finish', 'after the switch: drop the copy on the source pod')
  .option('--abort', 'undo a move that has not switched yet')
  .option('--status', 'show the collection’s placement and any move in progress')
  .option('--env-file <path>', 'database URLs of the primary and the pods', '.env.local')
  .action(async (collection: string, flags: Flags) => {
    const envFile = resolve(repoRoot, flags.envFile)
    if (existsSync(envFile)) process.loadEnvFile(envFile)
    const registryFiles = [defaultRegistryPath(), ...overlayFiles(process.env)]
    const registry = loadRegistryWithOverlays(registryFiles[0]!, registryFiles.slice(1))
    const ctx: MoveContext = {
      registry,
      registryFiles,
      root: repoRoot,
      dbUrl: (project) => {
        const name = projectEnvNames(registry, project).dbUrl
        const url = process.env[name]
        if (!url) throw new Error(`${name} is not set (the database of ${project}): run \`pnpm stack up\` or pass --env-file`)
        return url
      },
      log: (line) => console.log(line),
    }
    if (flags.status) return console.log(JSON.stringify(await moveStatus(ctx, collection), null, 2))
    if (flags.abort) {
      const undone = await abortMove(ctx, collection)
      return console.log(undone ? `move ${collection}: aborted at "${undone.phase}"; it stays where it was` : `move ${collection}: no move in progress`)
    }
    if (flags.finish) {
      const done = await finishMove(ctx, collection)
      return console.log(`move ${collection}: finished; the copy on ${done.source} is dropped, ${done.target} serves it`)
    }
    if (!flags.to) throw new Error('say where to: --to <pod> (or --finish, --abort, --status)')
    let shown = 0
    const result = await moveCollection(ctx, {
      collection,
      to: flags.to,
      onProgress: (p) => {
        if (Date.now() - shown < 1000) return
        shown = Date.now()
        if (p.total !== undefined) console.log(`  ${p.phase}: ${p.copied} of ${p.total} rows on ${flags.to}`)
        else if (p.lagBytes !== undefined) console.log(`  ${p.phase}: replication lag ${p.lagBytes} bytes`)
      },
    })
    if (result.copy)
      console.log(
        `  initial copy: ${result.copy.rows} rows in ${(result.copy.ms / 1000).toFixed(1)} s (${Math.round(result.copy.rows / (result.copy.ms / 1000))} rows/s)`,
      )
    if (result.indexBuildMs !== undefined) console.log(`  vector index built on ${flags.to} in ${(result.indexBuildMs / 1000).toFixed(1)} s`)
    if (result.pauseMs !== undefined)
      console.log(`  writes paused ${Math.round(result.pauseMs)} ms (edges follow the new placement within VECPODS_PLACEMENT_TTL_MS)`)
    if (result.rows !== undefined) console.log(`  verified: ${result.rows} rows, checksum ${result.checksum} on both pods`)
    console.log(`move ${collection}: ${result.phase}; \`pnpm move ${collection} --finish\` drops the copy on ${result.source}`)
  })

program.parseAsync().catch((error: unknown) => {
  console.error(`move: ${(error as Error).message}`)
  process.exitCode = 1
})
