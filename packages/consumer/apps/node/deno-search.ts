// Deno, the npm: specifier, resolved from this app's node_modules (installed by npm).
import { createVectorClient } from 'npm:@vecpods/sdk'

const vecpods = createVectorClient({ url: Deno.env.get('SUPABASE_URL')!, key: Deno.env.get('SUPABASE_ANON_KEY')! })
const { data, error } = await vecpods.search('read a file line by line', { collection: 'docs', limit: 3 })
if (error) throw error
console.log(JSON.stringify({ deno: Deno.version.deno, hits: data.map((h) => h.id) }))
