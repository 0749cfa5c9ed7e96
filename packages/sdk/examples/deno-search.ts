// A Deno script with the anon key: search and read the rows back.
//   deno run --allow-net --allow-env --config packages/sdk/examples/deno.json packages/sdk/examples/deno-search.ts "vector index"
import { createVectorClient } from '@vecpods/sdk'

const vecpods = createVectorClient({ url: Deno.env.get('SUPABASE_URL')!, key: Deno.env.get('SUPABASE_ANON_KEY')! })
const { data, error } = await vecpods.search(Deno.args[0] ?? 'vector index', { collections: ['docs', 'posts'], limit: 3 })
if (error) {
  console.error(`search failed: ${error.code}: ${error.message}`)
  Deno.exit(1)
}
for (const hit of data) console.log(`${hit.score.toFixed(3)}  ${hit.collection}/${hit.id}`)
