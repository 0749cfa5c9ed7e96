import type { PodHit, PodRecord, PodTextSearch } from './types.ts'

/** pgvector's text form of a vector. */
export const vectorText = (v: number[]) => `[${v.join(',')}]`

/** Records as the pod's `vecpods.upsert(collection, model, records jsonb)` takes them. */
export const upsertBatch = (records: PodRecord[]) =>
  records.map((r) => ({ id: r.id, vec: vectorText(r.vector), metadata: r.metadata, ...(r.owner !== undefined ? { owner: r.owner } : {}) }))

/** A row of the pod's `vecpods.text_search`, as either transport receives it. */
export interface TextSearchRow {
  id: string
  score: number | string
  vector_rank: number | null
  text_rank: number | null
  distance: number | string | null
  metadata: Record<string, unknown> | null
  value: string | null
}

/** The arguments of `vecpods.text_search`, in its order. */
export function textSearchArgs(q: PodTextSearch): unknown[] {
  return [
    q.collection,
    q.query,
    q.vector ? vectorText(q.vector) : null,
    q.limit,
    q.filter ?? null,
    q.efSearch,
    q.fusion.method,
    q.fusion.k,
    q.fusion.vectorWeight,
    q.fusion.textWeight,
    q.candidates,
    q.includeMetadata,
    q.includeValue,
  ]
}

export const TEXT_SEARCH_PARAMS = [
  'collection',
  'query_text',
  'query_embedding',
  'match_count',
  'filter',
  'ef_search',
  'fusion',
  'rrf_k',
  'vector_weight',
  'text_weight',
  'candidates',
  'include_metadata',
  'include_value',
] as const

export function textSearchHit(r: TextSearchRow, q: PodTextSearch): PodHit {
  const ranks = { ...(r.vector_rank ? { vector: r.vector_rank } : {}), ...(r.text_rank ? { text: r.text_rank } : {}) }
  return {
    id: r.id,
    distance: r.distance === null ? Number.NaN : Number(r.distance),
    score: Number(r.score),
    ...(q.vector ? { ranks } : {}),
    ...(q.includeMetadata ? { metadata: r.metadata ?? {} } : {}),
    ...(q.includeValue ? { value: JSON.parse(r.value!) as number[] } : {}),
  }
}
