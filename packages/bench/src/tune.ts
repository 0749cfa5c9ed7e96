#!/usr/bin/env -S npx tsx
// `pnpm tune <collection> [--recall 0.95]`: measures recall@10 of the collection's HNSW index
// against exact search on a sample of its own rows (each held out from its own answers), sweeps
// hnsw.ef_search, and writes the smallest value that reaches the target into the registry file
// that declares the collection (`collections.<name>.efSearch`, under the model that filled it),
// which the edge then uses for that model's searches.
import { resolve } from 'node:path'
import { loadExtractor, loadQueries } from '@vecpods/eval'
import { floorOption, tuneAndRecord } from '@vecpods/import/tune'
import { isOfflineChoice, OFFLINE_MODELS } from '@vecpods/offline-models'
import { defaultRegistryPath, loadRegistryWithOverlays, repoRoot } from '@vecpods/registry/node'
import { embedderEnv, stackEndpoints, stackOptions } from '@vecpods/stack'
import { Command } from 'commander'

interface Flags {
  recall: string
  queries: string
  dryRun?: boolean
  all?: boolean
  questions?: boolean
  floor?: string
}

const program = new Command('vecpods-tune')
  .description('Measure recall@10 against exact search, sweep hnsw.ef_search, and store the smallest value reaching the target in the registry')
  .argument('<collection>')
  .option('--recall <target>', 'recall@10 to reach', '0.95')
  .option('--queries <n>', 'rows of the collection used as queries (each held out of its own answers)', '200')
  .option('--dry-run', 'measure and report, change nothing')
  .option('--all', 'sweep every ef_search value (the whole recall curve), not only up to the first that reaches the target')
  .option(
    '--floor <ef>',
    'the smallest ef_search to choose (default: 160, the registry default, when rows are the queries, which overstate recall; 10 with --questions)',
  )
  .option(
    '--questions',
    "query with the pnpm eval questions of the collection's development split, embedded by the stack's model (query vectors, which rows are not), instead of rows",
  )
  .action(async (collection: string, flags: Flags) => {
    const started = performance.now()
    const opts = stackOptions(process.env, () => {})
    const overlays = opts.overlays
    const registry = loadRegistryWithOverlays(defaultRegistryPath(), overlays)
    const col = registry.collections[collection]
    if (!col) throw new Error(`no collection "${collection}" in the registry`)
    const dbUrl = (await stackEndpoints(opts)).find((e) => e.project === col.pod)!.dbUrl
    const queries = flags.questions ? await questionVectors(opts, collection) : Number(flags.queries)
    const options = {
      target: Number(flags.recall),
      queries,
      all: flags.all ?? false,
      dryRun: flags.dryRun ?? false,
      ...floorOption(flags.floor),
    }
    const { chosen, file } = await tuneAndRecord(dbUrl, collection, col, [defaultRegistryPath(), ...overlays], options, console.log)
    if (chosen === undefined) {
      process.exitCode = 3
      return
    }
    if (file) console.log(`tune: \`pnpm stack up\` restarts the function with it (${resolve(repoRoot, file)})`)
    console.log(`tune: done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  })

program.parseAsync().catch((error: unknown) => {
  console.error(`tune: ${(error as Error).message}`)
  process.exitCode = 1
})

/** The collection's development-split eval questions as query vectors, embedded by the stack's generated model in process (as the function does). */
async function questionVectors(opts: ReturnType<typeof stackOptions>, collection: string): Promise<Array<{ id: string; vec: string }>> {
  const questions = loadQueries().filter((q) => q.collection === collection && q.split === 'dev')
  if (!questions.length) throw new Error(`no development-split eval questions for "${collection}"`)
  const env = embedderEnv(opts)
  if (!isOfflineChoice(env.VECPODS_EMBEDDER))
    throw new Error("--questions embeds with the stack's generated offline model (VECPODS_EMBEDDER static or lexical)")
  const extract = await loadExtractor(env.VECPODS_MODEL_PATH!, OFFLINE_MODELS[env.VECPODS_EMBEDDER])
  const vectors = (
    await extract(
      questions.map((q) => q.q),
      { pooling: 'mean', normalize: true },
    )
  ).tolist()
  return vectors.map((v, i) => ({ id: `question-${i}`, vec: `[${v.join(',')}]` }))
}
