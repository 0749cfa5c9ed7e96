import type { PodRecord } from './types.ts'

/** pgvector's text form of a vector. */
export const vectorText = (v: number[]) => `[${v.join(',')}]`

/** Records as the pod's `vecpods.upsert(collection, model, records jsonb)` takes them. */
export const upsertBatch = (records: PodRecord[]) => records.map((r) => ({ id: r.id, vec: vectorText(r.vector), metadata: r.metadata }))
