// pnpm seed: builds the demo corpus from the installed packages' documentation and syncs it into
// docs (pod_a), posts (pod_b) and api (pod_c): reads what is there through the primary, writes
// new and changed chunks with the bulk importer (straight to each pod, embedded in worker threads
// with the stack's model), deletes its own chunks that left the corpus. Re-running changes nothing.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { deploymentEmbedder, importFile } from '@vecpods/import'
import { projectEnvNames, vecsTable } from '@vecpods/registry'
import { defaultRegistryPath, loadRegistry, repoRoot } from '@vecpods/registry/node'
import { createVectorClient } from '@vecpods/sdk'
import { analyzeForeignTables } from '@vecpods/stack'
import { Presets, SingleBar } from 'cli-progress'
import postgres from 'postgres'
import { buildCorpus } from './build.ts'
import { SEED_MARK, syncCorpus } from './sync.ts'

const { values } = parseArgs({ options: { 'env-file': { type: 'string', default: '.env.local' } } })
const envFile = resolve(repoRoot, values['env-file'])
if (existsSync(envFile)) process.loadEnvFile(envFile)
const { SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: key, SUPABASE_DB_URL: dbUrl } = process.env
if (!url || !key) {
  console.error('seed: SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are not set: run `pnpm stack up` first (it writes .env.local)')
  process.exit(2)
}

const started = performance.now()
const chunks = buildCorpus(repoRoot)
const counts = ['docs', 'posts', 'api'].map((c) => `${c} ${chunks.filter((x) => x.collection === c).length}`)
console.log(`corpus: ${chunks.length} chunks from the installed packages' documentation (${counts.join(', ')})`)

const bar = new SingleBar(
  {
    format: '  {collection} |{bar}| {value}/{total} chunks embedded and written | {eta_formatted} left',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 3000,
  },
  Presets.shades_classic,
)
const client = createVectorClient({ url, key, timeoutMs: 120_000 })
const registry = loadRegistry(defaultRegistryPath())
const embedder = deploymentEmbedder(registry.model, process.env)
const scratch = mkdtempSync(join(tmpdir(), 'vecpods-seed-'))
/** New and changed chunks go in with the bulk importer, straight to the collection's pod. */
const write = async (collection: string, records: object[], onProgress: (done: number) => void) => {
  const col = registry.collections[collection]!
  const podDbUrl = process.env[projectEnvNames(registry, col.pod).dbUrl]
  if (!podDbUrl) throw new Error(`${projectEnvNames(registry, col.pod).dbUrl} is not set: run \`pnpm stack up\` first`)
  const file = join(scratch, `${collection}.ndjson`)
  writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`)
  const result = await importFile({
    file,
    collection,
    col,
    dbUrl: podDbUrl,
    model: embedder.model,
    embed: embedder.embed,
    batchSize: 500,
    onProgress: (p) => p.phase === 'loading' && onProgress(p.rows),
  })
  if (result.rejected) throw new Error(`${result.rejected} chunks of ${collection} were rejected (see ${file}.rejects.ndjson)`)
}
// A collection the seed filled with another model (say the lexical one, before the static model
// became the default) is re-embedded whole: its seed rows go, and the new model is recorded on the
// next write. Rows the seed did not write block this instead of being lost.
for (const collection of new Set(chunks.map((c) => c.collection))) {
  const podDbUrl = process.env[projectEnvNames(registry, registry.collections[collection]!.pod).dbUrl]
  if (!podDbUrl) continue
  const pod = postgres(podDbUrl, { max: 1, onnotice: () => {} })
  try {
    const [catalog] = await pod<{ model: string | null }[]>`select model from vecpods.collections where name = ${collection}`
    if (!catalog?.model || catalog.model === embedder.model) continue
    const table = vecsTable(collection)
    const [counted] = await pod.unsafe<{ foreign: number }[]>(`select count(*)::int as foreign from ${table} where not metadata @> $1::text::jsonb`, [
      JSON.stringify(SEED_MARK),
    ])
    const foreign = counted?.foreign ?? 0
    if (foreign > 0) {
      throw new Error(
        `${collection} holds "${catalog.model}" embeddings and ${foreign} rows the seed did not write: re-embed or remove them before seeding with "${embedder.model}"`,
      )
    }
    const removed = await pod.begin(async (tx) => {
      const gone = await tx.unsafe(`delete from ${table}`)
      await tx`update vecpods.collections set model = null where name = ${collection}`
      return gone.count
    })
    console.log(`  ${collection.padEnd(5)} held "${catalog.model}" embeddings: removed its ${removed} seed rows to re-embed them with "${embedder.model}"`)
  } finally {
    await pod.end()
  }
}

const reports = await syncCorpus(client, chunks, {
  write,
  onStart: (collection, toWrite) => toWrite && bar.start(toWrite, 0, { collection: collection.padEnd(5) }),
  onProgress: (_, done) => {
    bar.update(done)
    if (done >= bar.getTotal()) bar.stop()
  },
})
for (const r of reports) {
  console.log(`  ${r.collection.padEnd(5)} ${r.total} chunks: ${r.added} added, ${r.changed} changed, ${r.removed} removed, ${r.unchanged} unchanged`)
}
if (dbUrl && reports.some((r) => r.added + r.changed + r.removed > 0)) {
  // Fresh statistics let the primary push a search's LIMIT down to the pods (see README).
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} })
  await analyzeForeignTables(sql).finally(() => sql.end())
}
await embedder.close()
rmSync(scratch, { recursive: true, force: true })
console.log(`seed: done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
