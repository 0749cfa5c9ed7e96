import type { SearchHit } from '@vecpods/protocol'
import { mmr } from '../mmr.ts'
import type { SearchPlan } from './plan.ts'

/**
 * The final `limit` hits: the merged ones as they are, or, with MMR, `limit` of them picked by
 * maximal marginal relevance against the query vector (their vectors dropped unless asked for).
 */
export function rerank(plan: SearchPlan, hits: SearchHit[]): SearchHit[] {
  if (!plan.mmr) return hits
  const picked = mmr(
    plan.vector!,
    hits.map((h) => h.value!),
    plan.limit,
    plan.mmr.lambda,
  )
  return picked.map((i) => (plan.include.value ? hits[i]! : { ...hits[i]!, value: undefined }))
}
