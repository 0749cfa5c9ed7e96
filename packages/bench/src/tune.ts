#!/usr/bin/env -S npx tsx
// `pnpm tune <collection> [--recall 0.95]`: measures recall@10 of the collection's HNSW index
// against exact search on a sample of its own rows (each held out from its own answers), sweeps
// hnsw.ef_search, and writes the smallest value that reaches the target into the registry file
// that declares the collection (`collections.<name>.efSearch`, under the model that filled it),
// which the edge then uses for that model's searches.
import { resolve } from 'node:path'
import { loadExtractor, loadQueries } from '@vecpods/eval'
import { isOfflineChoice, OFFLINE_MODELS } from '@vecpods/offline-models'
import { distanceOperator, vecsTable } from '@vecpods/registry'
import { declaringFile, defaultRegistryPath, loadRegistryWithOverlays, repoRoot, updateDeclaration } from '@vecpods/registry/node'
import { adminSql, embedderEnv, stackEndpoints, stackOptions } from '@vecpods/stack'
import { Command } from 'commander'
import { summarize } from './stats.ts'

const SWEEP = [10, 20, 40, 60, 80, 120, 160, 240, 320, 480, 640, 1000]
const K = 10

interface Flags {
  recall: string
  queries: string
  dryRun?: boolean
  all?: boolean
  questions?: boolean
}

const program = new Command('vecpods-tune')
  .description('Measure recall@10 against exact search, sweep hnsw.ef_search, and store the smallest value reaching the target in the registry')
  .argument('<collection>')
  .option('--recall <target>', 'recall@10 to reach', '0.95')
  .option('--queries <n>', 'rows of the collection used as queries (each held out of its own answers)', '200')
  .option('--dry-run', 'measure and report, change nothing')
  .option('--all', 'sweep every ef_search value (the whole recall curve), not only up to the first that reaches the target')
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
    if (col.index.method !== 'hnsw') throw new Error(`"${collection}" has no HNSW index (${col.index.method}): nothing to tune`)
    const target = Number(flags.recall)
    const sql = adminSql((await stackEndpoints(opts)).find((e) => e.project === col.pod)!.dbUrl)
    const table = vecsTable(collection)
    const op = distanceOperator(col.measure)
    try {
      const [{ n }] = (await sql.unsafe(`select count(*)::int as n from ${table}`)) as unknown as [{ n: number }]
      if (n < 100) throw new Error(`"${collection}" holds ${n} rows: too few to measure recall (at least 100)`)
      // The index as built (it may differ from the registry's declaration until a migration rebuilds it).
      const [built] = await sql<{ options: string[] | null }[]>`
        select c.reloptions as options from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
        where i.indrelid = ${table}::regclass and am.amname = 'hnsw'`
      if (!built) throw new Error(`"${collection}" has no HNSW index on its pod: apply its migrations`)
      const option = (key: string, fallback: number) => Number((built.options ?? []).find((o) => o.startsWith(`${key}=`))?.split('=')[1] ?? fallback)
      const [m, efc] = [option('m', 16), option('ef_construction', 64)]
      const queries = flags.questions
        ? await questionVectors(opts, collection)
        : await sql.unsafe<{ id: string; vec: string }[]>(
            `select id, vec::text as vec from ${table} order by random() limit ${Math.trunc(Number(flags.queries))}`,
          )
      console.log(
        `tune: ${collection} (pod ${col.pod}, ${n.toLocaleString('en')} rows, index m ${m}, ef_construction ${efc}), ${queries.length} ${flags.questions ? 'questions' : 'rows'} as queries, target recall@${K} ${target}`,
      )
      /** The k nearest other rows of a query row, by index (ef given) or exactly (null). */
      const neighbours = async (q: { id: string; vec: string }, ef: number | null) =>
        sql.begin(async (tx) => {
          await tx.unsafe(
            // Seq scans off while measuring the index: the planner would answer a small collection
            // exactly (and slowly) once ef_search makes the index look dear, hiding its recall.
            `select set_config('hnsw.ef_search', $1, true), set_config('enable_indexscan', $2, true), set_config('enable_seqscan', $3, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`,
            [String(ef ?? 40), ef === null ? 'off' : 'on', ef === null ? 'on' : 'off'],
          )
          const t = performance.now()
          const rows = await tx.unsafe<{ id: string }[]>(`select id from ${table} order by vec ${op} $1::extensions.vector limit ${K + 1}`, [q.vec])
          return {
            ids: rows
              .map((r) => r.id)
              .filter((id) => id !== q.id)
              .slice(0, K),
            ms: performance.now() - t,
          }
        })
      const truth: Array<Set<string>> = []
      for (const q of queries) truth.push(new Set((await neighbours(q, null)).ids))
      console.log(`  exact neighbours of ${queries.length} queries in ${((performance.now() - started) / 1000).toFixed(1)} s`)
      let chosen: number | undefined
      for (const ef of SWEEP) {
        let hits = 0
        const latencies: number[] = []
        for (const [i, q] of queries.entries()) {
          const got = await neighbours(q, ef)
          latencies.push(got.ms)
          hits += got.ids.filter((id) => truth[i]!.has(id)).length
        }
        const recall = hits / (queries.length * K)
        console.log(`  ef_search ${String(ef).padStart(4)}: recall@${K} ${recall.toFixed(3)}, p50 ${summarize(latencies).p50.toFixed(2)} ms`)
        if (recall >= target && chosen === undefined) {
          chosen = ef
          if (!flags.all) break
        }
      }
      if (chosen === undefined) {
        console.log(
          `  no ef_search up to 1000 reaches ${target}: the index needs a rebuild with a larger m or ef_construction (now ${m} / ${efc}; registry index)`,
        )
        process.exitCode = 3
        return
      }
      const files = [defaultRegistryPath(), ...overlays]
      // The value belongs to the model whose vectors were measured: other models keep theirs.
      const [recorded] = await sql<{ model: string | null }[]>`select model from vecpods.collections where name = ${collection}`
      const model = recorded?.model ?? undefined
      const efSearch = model ? { ...(typeof col.efSearch === 'object' ? col.efSearch : {}), [model]: chosen } : chosen
      const what = `efSearch ${chosen}${model ? ` for model ${model}` : ''}`
      if (flags.dryRun) console.log(`tune: ${what} would be written to ${declaringFile(files, collection)} (dry run)`)
      else {
        const { file } = updateDeclaration(files, collection, { efSearch })!
        console.log(`tune: wrote ${what} for ${collection} to ${resolve(repoRoot, file)}; \`pnpm stack up\` restarts the function with it`)
      }
      console.log(`tune: done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    } finally {
      await sql.end()
    }
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
