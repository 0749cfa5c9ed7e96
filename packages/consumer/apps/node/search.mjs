// Node, ESM: a search through the vector-search function with the installed @vecpods/sdk.
import { createVectorClient, isVecpodsError } from '@vecpods/sdk'

const vecpods = createVectorClient({ url: process.env.SUPABASE_URL, key: process.env.SUPABASE_ANON_KEY })
const { data, error } = await vecpods.search('read a file line by line', { collection: 'docs', limit: 3 })
if (error) throw error
const missing = await vecpods.search('anything', { collection: 'no_such_collection' })
console.log(JSON.stringify({ node: process.version, hits: data.map((h) => h.id), missing: isVecpodsError(missing.error) && missing.error.code }))
