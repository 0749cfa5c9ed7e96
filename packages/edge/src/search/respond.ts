import type { SearchMeta, SearchResponse } from '@vecpods/protocol'
import type { OfflineKind } from '../embed/types.ts'
import type { Merged } from './merge.ts'
import type { SearchPlan } from './plan.ts'

/** The answer: the hits, and what produced them (pods, mode, who served each collection, model, time, partial). */
export function searchResponse(
  plan: SearchPlan,
  data: SearchResponse['data'],
  merged: Merged,
  offline: OfflineKind | undefined,
  tookMs: number,
): SearchResponse {
  return {
    data,
    meta: {
      pods: [...new Set(plan.targets.map((t) => t.col.pod))],
      mode: plan.mode,
      served_by: merged.servedBy,
      ...(plan.model ? { model: plan.model, ...offlineMeta(offline) } : {}),
      took_ms: Math.round(tookMs * 100) / 100,
      ...(merged.errors.length ? { partial: true, errors: merged.errors } : {}),
    },
  }
}

/** The meta fields that label results of a generated offline model. */
function offlineMeta(kind: OfflineKind | undefined): Pick<SearchMeta, 'offline_model' | 'lexical'> {
  if (!kind) return {}
  return kind === 'lexical' ? { offline_model: kind, lexical: true } : { offline_model: kind }
}
