// A server component prerendered by `next build`: it searches the running stack at build time.
import { createVectorClient } from '@vecpods/sdk'
import { SearchBox } from './search-box'

export const dynamic = 'force-static'

export default async function Page() {
  const vecpods = createVectorClient({ url: process.env.SUPABASE_URL!, key: process.env.SUPABASE_ANON_KEY! })
  const { data, error } = await vecpods.search('read a file line by line', { collection: 'docs', limit: 3 })
  if (error) throw error
  return (
    <main>
      <ul>
        {data.map((hit) => (
          <li key={hit.id} data-hit={hit.id}>
            {hit.score.toFixed(3)}
          </li>
        ))}
      </ul>
      <SearchBox url={process.env.SUPABASE_URL!} anonKey={process.env.SUPABASE_ANON_KEY!} />
    </main>
  )
}
