#!/usr/bin/env -S npx tsx
// pnpm import <file> --collection <name>: bulk-loads NDJSON/JSONL or CSV records into a collection,
// straight to its pod's database (the service side; connection settings from the environment or
// .env.local, as the registry names them).
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { projectEnvNames } from '@vecpods/registry'
import { defaultRegistryPath, loadRegistryWithOverlays, repoRoot } from '@vecpods/registry/node'
import { overlayFiles } from '@vecpods/stack'
import { Presets, SingleBar } from 'cli-progress'
import { Command } from 'commander'
import { deploymentEmbedder } from './embed-pool.ts'
import { importFile, importSummary } from './import.ts'
import { type Format, formatOf } from './records.ts'
import { closingTune, type TuneAfterImport } from './tune.ts'

interface Flags {
  collection: string
  format?: Format
  model?: string
  batchSize: string
  rebuildIndex: 'auto' | 'always' | 'never'
  writers: string
  workers: string
  maintenanceWorkMem: string
  tune: TuneAfterImport
  recall: string
  envFile: string
}

const program = new Command('vecpods-import')
  .description('Load a file of { id, text | vector, metadata } records into a collection, straight to its pod')
  .argument('<file>', 'an NDJSON / JSONL file (one record per line) or a CSV file with a header (id, text or vector, metadata, other columns)')
  .requiredOption('-c, --collection <name>', 'the collection to load into')
  .option('--format <format>', 'ndjson or csv (default: from the file name)')
  .option('--model <id>', "the model of the vectors (default: the embedder's, as the edge assumes)")
  .option('--batch-size <n>', 'records per transaction', '2000')
  .option('--rebuild-index <when>', 'drop the vector index for the load and build it after: auto | always | never', 'auto')
  .option('--writers <n>', 'connections writing batches at once while the vector index stays (each HNSW insert uses a CPU on the pod)', '2')
  .option('--workers <n>', 'worker threads embedding text', '2')
  .option('--maintenance-work-mem <size>', 'memory for the index build', '1GB')
  .option('--tune <when>', 'measure recall after the load and store the ef_search that reaches --recall: auto (10,000 rows or more) | always | never', 'auto')
  .option('--recall <target>', 'recall@10 the closing tune aims for', '0.95')
  .option('--env-file <path>', 'read settings from this file when not in the environment', '.env.local')
  .action(async (file: string, flags: Flags) => {
    const envFile = resolve(repoRoot, flags.envFile)
    if (existsSync(envFile)) process.loadEnvFile(envFile)
    const registry = loadRegistryWithOverlays(defaultRegistryPath(), overlayFiles(process.env))
    const col = registry.collections[flags.collection]
    if (!col) throw new Error(`no collection "${flags.collection}" in the registry (known: ${Object.keys(registry.collections).join(', ')})`)
    const dbUrlName = projectEnvNames(registry, col.pod).dbUrl
    const dbUrl = process.env[dbUrlName]
    if (!dbUrl) throw new Error(`${dbUrlName} is not set: the import writes straight to pod ${col.pod}'s database`)
    const embedder = deploymentEmbedder(registry.model, process.env, Number(flags.workers))
    const model = flags.model ?? embedder.model
    const embed = (texts: string[]) => {
      if (model !== embedder.model) throw new Error(`text is embedded with "${embedder.model}" here, not "${model}"`)
      return embedder.embed(texts)
    }

    const bar = new SingleBar(
      {
        format: '  {phase} |{bar}| {value}/{total} | {rows} rows, {rejected} rejected | {speed} | ETA {eta_formatted}',
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 5000,
      },
      Presets.shades_classic,
    )
    const started = performance.now()
    let phase = ''
    console.log(`import: ${file} → ${flags.collection} (pod ${col.pod}), model ${model}`)
    try {
      const result = await importFile({
        file,
        format: flags.format ?? formatOf(file),
        collection: flags.collection,
        col,
        dbUrl,
        model,
        embed,
        batchSize: Number(flags.batchSize),
        rebuildIndex: flags.rebuildIndex,
        writers: Number(flags.writers),
        maintenanceWorkMem: flags.maintenanceWorkMem,
        onNotice: (line) => console.log(line),
        onProgress: (p) => {
          const speed = p.phase === 'loading' ? `${Math.round(p.rows / ((performance.now() - started) / 1000))} rows/s` : (p.detail ?? '')
          if (p.phase !== phase) {
            if (phase) bar.stop()
            phase = p.phase
            bar.start(p.total, p.done, { phase: p.phase.padEnd(8), rows: p.rows, rejected: p.rejected, speed })
          } else {
            // An index build's phases count different things (blocks, then tuples): their own totals.
            if (p.total !== bar.getTotal()) bar.setTotal(p.total)
            bar.update(p.done, { rows: p.rows, rejected: p.rejected, speed })
          }
        },
      })
      if (phase) bar.stop()
      for (const line of importSummary(result, file)) console.log(line)
      console.log(`import: done in ${(result.ms / 1000).toFixed(1)} s (${Math.round(result.rows / (result.ms / 1000))} rows/s)`)
      const files = [defaultRegistryPath(), ...overlayFiles(process.env)]
      const hint = 'tune: `pnpm stack up` restarts the function with it'
      await closingTune(
        { dbUrl, collection: flags.collection, col, files, when: flags.tune, recall: Number(flags.recall), rows: result.rows, deployHint: hint },
        console.log,
      )
    } finally {
      if (phase) bar.stop()
      await embedder.close()
    }
  })

program.parseAsync().catch((error: unknown) => {
  console.error(`import: ${(error as Error).message}`)
  process.exitCode = 1
})
