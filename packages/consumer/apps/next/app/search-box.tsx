'use client'
// A client component: the SDK in Next's browser bundle.
import { type Collections, createVectorClient, type SearchHit } from '@vecpods/sdk'
import { useState } from 'react'

export function SearchBox({ url, anonKey }: { url: string; anonKey: string }) {
  const [hits, setHits] = useState<SearchHit<Collections>[]>([])
  async function run(query: string) {
    const { data } = await createVectorClient({ url, key: anonKey }).search(query, { collection: 'docs', limit: 5 })
    setHits(data ?? [])
  }
  return (
    <form action={(form) => run(String(form.get('q')))}>
      <input name="q" />
      <output>{hits.map((h) => h.id).join(' ')}</output>
    </form>
  )
}
