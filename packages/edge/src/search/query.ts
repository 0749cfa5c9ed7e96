import type { SearchHit } from '@vecpods/protocol'
import type { Deployment, Target } from '../deployment.ts'
import type { SearchPlan } from './plan.ts'
import { podQuery, toSearchHits } from './pod-query.ts'

/** What one collection of a search came back with: its hits and who served them, or why it failed. */
export type TargetResult = { target: Target; hits: SearchHit[]; servedBy: string } | { target: Target; error: unknown }

/**
 * Asks every target's pod (or a read replica of it) in parallel. A collection holding another
 * model's vectors fails as `model_mismatch`; failures are returned, not thrown, so that a fan-out
 * can answer with the collections that did.
 */
export function queryTargets(dep: Deployment, plan: SearchPlan): Promise<TargetResult[]> {
  return Promise.all(
    plan.targets.map(async (target): Promise<TargetResult> => {
      try {
        if (plan.model) await dep.checkModel(target, plan.model)
        const q = podQuery(dep, plan, target)
        const { value, servedBy } = await dep.read(target, (pod) => (q.kind === 'vector' ? pod.search(q.query) : pod.textSearch(q.query)))
        return { target, hits: toSearchHits(target, q.kind, value), servedBy }
      } catch (error) {
        return { target, error }
      }
    }),
  )
}
