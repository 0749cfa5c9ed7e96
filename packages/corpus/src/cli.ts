// pnpm seed: builds the demo corpus from the installed packages' documentation and syncs it into
// docs (pod_a), posts (pod_b) and api (pod_c) through the edge function. Re-running changes nothing.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { repoRoot } from '@vecpods/registry/node'
import { createVectorClient } from '@vecpods/sdk'
import { analyzeForeignTables } from '@vecpods/stack'
import { Presets, SingleBar } from 'cli-progress'
import postgres from 'postgres'
import { buildCorpus } from './build.ts'
import { syncCorpus } from './sync.ts'

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
const reports = await syncCorpus(client, chunks, {
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
console.log(`seed: done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
