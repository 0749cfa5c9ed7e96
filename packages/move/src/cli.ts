#!/usr/bin/env -S npx tsx
// `pnpm move <collection> --to <pod>`: moves a collection to another pod while it serves (logical
// replication, a short write pause, checksums, a run-time placement switch). `--finish` drops the
// source copy after the switch, `--abort` undoes a move that has not switched, `--status` shows
// where it stands. Safe to re-run after an interruption: it continues from the recorded phase.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { defaultRegistryPath, loadRegistryWithOverlays, repoRoot } from '@vecpods/registry/node'
import { overlayFiles } from '@vecpods/stack'
import { Command } from 'commander'
import { type MoveFlags, runMove } from './run.ts'

const program = new Command('vecpods-move')
  .description('Move a collection to another pod online (logical replication), then --finish to drop the source copy')
  .argument('<collection>')
  .option('--to <pod>', 'the pod to move it to')
  .option('--finish', 'after the switch: drop the copy on the source pod')
  .option('--abort', 'undo a move that has not switched yet')
  .option('--status', 'show the collection’s placement and any move in progress')
  .option('--env-file <path>', 'database URLs of the primary and the pods', '.env.local')
  .action(async (collection: string, flags: MoveFlags & { envFile: string }) => {
    const envFile = resolve(repoRoot, flags.envFile)
    if (existsSync(envFile)) process.loadEnvFile(envFile)
    const registryFiles = [defaultRegistryPath(), ...overlayFiles(process.env)]
    const registry = loadRegistryWithOverlays(registryFiles[0]!, registryFiles.slice(1))
    await runMove({ registry, registryFiles, root: repoRoot, env: process.env, command: 'pnpm move' }, collection, flags, console.log)
  })

program.parseAsync().catch((error: unknown) => {
  console.error(`move: ${(error as Error).message}`)
  process.exitCode = 1
})
