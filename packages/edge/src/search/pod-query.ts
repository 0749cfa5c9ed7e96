import type { SearchHit } from '@vecpods/protocol'
import { scoreOf } from '@vecpods/registry'
import type { Deployment, Target } from '../deployment.ts'
import type { PodHit, PodSearch, PodTextSearch } from '../pods/types.ts'
import type { SearchPlan } from './plan.ts'

/** What one pod is asked for one collection of a plan. */
export type PodQuery = { kind: 'vector'; query: PodSearch } | { kind: 'text'; query: PodTextSearch }

/** The pod query of one target: a nearest-neighbour search, or a text / hybrid search. */
export function podQuery(dep: Deployment, plan: SearchPlan, t: Target): PodQuery {
  const settings = dep.searchSettings(t, plan.requested, plan.model)
  const shared = {
    collection: t.name,
    ...(plan.filter ? { filter: plan.filter } : {}),
    includeMetadata: plan.include.metadata,
    ...(t.actAs ? { actAs: t.actAs } : {}),
  }
  if (plan.mode === 'vector') {
    return {
      kind: 'vector',
      query: {
        ...shared,
        measure: t.col.measure,
        vector: plan.vector!,
        limit: plan.fetch,
        // MMR compares the candidates' vectors with each other.
        includeValue: plan.include.value || plan.mmr !== undefined,
        ...settings,
        ...(t.col.quantization === 'binary' ? { quantized: true } : {}),
      },
    }
  }
  return {
    kind: 'text',
    query: {
      ...shared,
      query: plan.query!,
      ...(plan.vector ? { vector: plan.vector } : {}),
      limit: plan.limit,
      includeValue: plan.include.value,
      efSearch: settings.efSearch,
      fusion: plan.fusion,
      candidates: plan.candidates,
    },
  }
}

/**
 * A pod's hits as API hits: scores higher-is-better (vector searches by the collection's
 * measure; text and hybrid by the pod's own score), labelled with collection and pod.
 */
export function toSearchHits(t: Target, kind: PodQuery['kind'], hits: PodHit[]): SearchHit[] {
  const where = { collection: t.name, pod: t.col.pod }
  return kind === 'vector'
    ? hits.map(({ distance, ...hit }) => ({ ...hit, score: scoreOf(t.col.measure, distance), ...where }))
    : hits.map(({ distance, score, ...hit }) => ({ ...hit, score: score ?? 0, ...where }))
}
