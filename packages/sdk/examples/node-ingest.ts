// A Node script with the service_role key: upsert text in batches with a progress line, then
// search it back. Run against the local stack: `pnpm --filter @vecpods/sdk example:node`.
import { createVectorClient } from '../src/index.ts'

const url = process.env.SUPABASE_URL
const key = process.env.SUPABASE_SERVICE_ROLE_KEY
if (!url || !key) throw new Error('set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (pnpm stack up writes them to .env.local)')

const vecpods = createVectorClient({ url, key }).throwOnError()
const tag = `example-${process.pid}`
const notes = [
  'Vacuum reclaims space left by updated and deleted rows',
  'Foreign tables let one database query tables that live in another',
  'An HNSW index trades a little recall for much faster vector search',
  'Row level security restricts which rows each role can see',
]
await vecpods.upsert(
  'docs',
  notes.map((text, i) => ({ id: `${tag}-${i}`, text, metadata: { url: `/notes/${i}`, tag } })),
  { batchSize: 2, onProgress: (p) => console.log(`upserted ${p.done}/${p.total} (batch ${p.batch}/${p.batches})`) },
)
const { data, meta } = await vecpods.search(process.argv[2] ?? 'query a table in another database', {
  collection: 'docs',
  limit: 2,
  filters: { tag: { $eq: tag } },
})
for (const hit of data) console.log(`${hit.score.toFixed(3)}  ${hit.id}  ${String(hit.metadata.url)}`)
console.log(`model ${meta.model}${meta.offline_model ? ` (${meta.offline_model})` : ''}`)
await vecpods.delete('docs', { filters: { tag: { $eq: tag } } })
