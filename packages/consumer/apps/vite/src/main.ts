// A browser app built by Vite from the installed @vecpods/sdk; it searches when the page loads.
import { createVectorClient } from '@vecpods/sdk'

const vecpods = createVectorClient({ url: import.meta.env.VITE_SUPABASE_URL, key: import.meta.env.VITE_SUPABASE_ANON_KEY })
const out = document.querySelector('#hits')!
const { data, error } = await vecpods.search('read a file line by line', { collection: 'docs', limit: 3 })
out.textContent = error ? `error ${error.code}` : data.map((h) => h.id).join(' ')
