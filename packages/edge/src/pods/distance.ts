import type { Measure } from '../../../registry/src/index.ts'
import type { PodRecord } from './types.ts'

/** pgvector's distance operator for each measure; the HNSW index serves only the matching one. */
export const DISTANCE_OPERATOR: Record<Measure, string> = { cosine: '<=>', l2: '<->', inner_product: '<#>' }

/**
 * Turns a pgvector distance into a score where higher is better, comparable across collections
 * of the same measure: cosine similarity (1 − distance), inner product (−(−ip)), and −L2 distance.
 */
export function scoreOf(measure: Measure, distance: number): number {
  return measure === 'cosine' ? 1 - distance : -distance
}

/** pgvector's text form of a vector. */
export const vectorText = (v: number[]) => `[${v.join(',')}]`

/** Records as the pod's `vecpods.upsert(collection, model, records jsonb)` takes them. */
export const upsertBatch = (records: PodRecord[]) => records.map((r) => ({ id: r.id, vec: vectorText(r.vector), metadata: r.metadata }))
