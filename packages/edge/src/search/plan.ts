import { FUSION_DEFAULTS, type HybridOptions, REQUEST_BOUNDS, type SearchMode } from '@vecpods/protocol'
import type { z } from 'zod'
import { asCaller, type Caller, type Role } from '../auth.ts'
import type { Deployment, Target } from '../deployment.ts'
import { VecpodsError } from '../errors.ts'
import type { Predicate } from '../filters/index.ts'
import type { searchRequest } from '../requests.ts'
import type { FusionSettings as Fusion } from './fusion.ts'

/** A search request as validated (defaults filled in). */
export type SearchInput = z.output<typeof searchRequest>

export type { FusionSettings as Fusion } from './fusion.ts'

/** A request's fusion settings with the defaults of its method (FUSION_DEFAULTS, chosen on the eval's development split). */
export function fusionOf(hybrid: HybridOptions | undefined): Fusion {
  const method = hybrid?.method ?? FUSION_DEFAULTS.method
  const d = FUSION_DEFAULTS[method]
  return {
    method,
    k: hybrid?.k ?? ('k' in d ? d.k : 0),
    vectorWeight: hybrid?.vector_weight ?? d.vector_weight,
    textWeight: hybrid?.text_weight ?? d.text_weight,
  }
}

/**
 * Everything a search will do, decided before any pod is asked: which collections on which pods,
 * what each pod is asked for, and what happens to the hits after. Every default is resolved here.
 */
export interface SearchPlan {
  mode: SearchMode
  targets: Target[]
  filter?: Predicate
  /** Text of a text or hybrid search, or the text a vector search embeds. */
  query?: string
  /** The vector to search with; set by `withQueryVector` when it has to be embedded. */
  vector?: number[]
  /** The model of `vector` (vector and hybrid modes). */
  model?: string
  /** Hits to return. */
  limit: number
  /** Hits each pod returns: `limit`, or MMR's candidates. */
  fetch: number
  /** Rows each arm of a text or hybrid search contributes before fusion. */
  candidates: number
  fusion: Fusion
  include: { metadata: boolean; value: boolean }
  /** Re-rank the merged hits by maximal marginal relevance. */
  mmr?: { lambda: number }
  /** Per-request index settings (`ef_search`, `exact`); the collection's defaults fill the rest. */
  requested: { ef_search?: number | undefined; exact: boolean }
}

/** Rows each arm of a text or hybrid search contributes before fusion: enough for `limit`, bounded. */
export const candidatesFor = (limit: number) => Math.min(Math.max(limit * 4, 40), 400)

/**
 * Plans a search: the collections (404 / 403 for the caller's role), the public limits, the mode
 * each collection supports, the filter (validated and lowered once), the query's model, how many
 * hits each pod returns. Embeds nothing and asks no pod.
 */
export function planSearch(dep: Deployment, req: SearchInput, who: Role | Caller): SearchPlan {
  const caller = asCaller(who)
  const { role } = caller
  const names = req.collections ?? [req.collection!]
  const targets = names.map((name) => dep.target(name, caller))
  dep.checkSearchLimits(role, req)
  if (req.mode !== 'vector') {
    const without = targets.find((t) => !t.col.fullText)
    if (without)
      throw new VecpodsError('mode_unsupported', `mode "${req.mode}" needs full text, which collection "${without.name}" does not have (registry fullText)`)
  }
  const filter = dep.filter(req.filters, role)
  // Text mode needs no vector; the others take the given one or embed the query.
  const model = req.mode === 'text' ? undefined : dep.modelOfRequest(req.model, req.vector === undefined)
  // MMR re-ranks more candidates than it returns.
  const fetch = req.mmr ? Math.max(req.limit, req.mmr.fetch_k ?? Math.min(req.limit * 4, REQUEST_BOUNDS.maxLimit)) : req.limit
  return {
    mode: req.mode,
    targets,
    ...(filter ? { filter } : {}),
    ...(req.query !== undefined ? { query: req.query } : {}),
    ...(req.mode !== 'text' && req.vector ? { vector: req.vector } : {}),
    ...(model ? { model } : {}),
    limit: req.limit,
    fetch,
    candidates: candidatesFor(req.limit),
    fusion: fusionOf(req.hybrid),
    include: req.include,
    ...(req.mmr ? { mmr: { lambda: req.mmr.lambda } } : {}),
    requested: { ef_search: req.ef_search, exact: req.exact },
  }
}

/**
 * The plan with its query vector: embedded from the query text unless one was given (text mode
 * needs none), then checked against every target's dimensions.
 */
export async function withQueryVector(dep: Deployment, plan: SearchPlan): Promise<SearchPlan> {
  if (plan.mode === 'text') return plan
  const vector = plan.vector ?? (await dep.embedQuery(plan.query!))
  for (const t of plan.targets) dep.checkVector(t, vector, 'vector')
  return { ...plan, vector }
}
