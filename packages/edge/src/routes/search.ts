import { type PartialError, REQUEST_BOUNDS, type SearchHit, type SearchMeta, type SearchResponse } from '@vecpods/protocol'
import { scoreOf } from '@vecpods/registry'
import { Hono } from 'hono'
import type { Deployment } from '../deployment.ts'
import type { OfflineKind } from '../embed/types.ts'
import { VecpodsError } from '../errors.ts'
import { mmr } from '../mmr.ts'
import { isPodOutage } from '../pods/pod-errors.ts'
import { HYBRID_DEFAULTS, readBody, searchRequest } from '../requests.ts'
import type { AppEnv } from './env.ts'

/** Rows each arm of a text or hybrid search contributes before fusion: enough for `limit`, bounded. */
const candidatesFor = (limit: number) => Math.min(Math.max(limit * 4, 40), 400)

/**
 * `POST /search`: nearest neighbours (`mode: "vector"`), full text (`"text"`) or both fused
 * (`"hybrid"`), in one collection or several merged by score.
 */
export function searchRoutes(dep: Deployment): Hono<AppEnv> {
  return new Hono<AppEnv>().post('/search', async (c) => {
    const started = performance.now()
    const req = await readBody(c, searchRequest)
    const names = req.collections ?? [req.collection!]
    const targets = names.map((name) => dep.target(name, c.get('role')))
    dep.checkSearchLimits(c.get('role'), req)
    if (req.mode !== 'vector') {
      const without = targets.find((t) => !t.col.fullText)
      if (without)
        throw new VecpodsError('mode_unsupported', `mode "${req.mode}" needs full text, which collection "${without.name}" does not have (registry fullText)`)
    }
    const filter = dep.filter(req.filters)
    // Text mode needs no vector; hybrid embeds the query unless it is given a vector.
    const model = req.mode === 'text' ? undefined : dep.modelOfRequest(req.model, req.vector === undefined)
    const vector = req.mode === 'text' ? undefined : (req.vector ?? (await dep.embedQuery(req.query!)))
    if (vector) for (const t of targets) dep.checkVector(t, vector, 'vector')
    const rrf = req.hybrid ?? HYBRID_DEFAULTS

    // MMR re-ranks more candidates than it returns, and needs their vectors.
    const fetch = req.mmr ? Math.max(req.limit, req.mmr.fetch_k ?? Math.min(req.limit * 4, REQUEST_BOUNDS.maxLimit)) : req.limit
    /** Which pod or read replica answered for each collection. */
    const served: Record<string, string> = {}
    const settled = await Promise.allSettled(
      targets.map(async (t): Promise<SearchHit[]> => {
        if (model) await dep.checkModel(t, model)
        const where = { collection: t.name, pod: t.col.pod }
        const shared = { collection: t.name, ...(filter ? { filter } : {}), includeMetadata: req.include.metadata }
        if (req.mode !== 'vector') {
          const { value: hits, servedBy } = await dep.read(t, (pod) =>
            pod.textSearch({
              ...shared,
              query: req.query!,
              ...(vector ? { vector } : {}),
              limit: req.limit,
              includeValue: req.include.value,
              efSearch: dep.searchSettings(t, req).efSearch,
              rrf: { k: rrf.k, vectorWeight: rrf.vector_weight, textWeight: rrf.text_weight },
              candidates: candidatesFor(req.limit),
            }),
          )
          served[t.name] = servedBy
          return hits.map(({ distance, score, ...hit }) => ({ ...hit, score: score ?? 0, ...where }))
        }
        const { value: hits, servedBy } = await dep.read(t, (pod) =>
          pod.search({
            ...shared,
            measure: t.col.measure,
            vector: vector!,
            limit: fetch,
            includeValue: req.include.value || req.mmr !== undefined,
            ...dep.searchSettings(t, req),
          }),
        )
        served[t.name] = servedBy
        return hits.map(({ distance, ...hit }) => ({ ...hit, score: scoreOf(t.col.measure, distance), ...where }))
      }),
    )
    const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ collection: names[i]!, error: s.reason as unknown }] : []))
    if (failures.length === settled.length) throw failures[0]!.error
    // A fan-out survives pods that are down: the others' results come with `meta.partial`.
    const fatal = failures.find((f) => !isPodOutage(f.error))
    if (fatal) throw fatal.error

    const ranked = settled
      .flatMap((s) => (s.status === 'fulfilled' ? s.value : []))
      // One sort for every pod and transport: merges a fan-out (hybrid scores are rank-based, so
      // collections interleave by rank), and re-sorts relaxed_order scans.
      .sort((a, b) => b.score - a.score)
      .slice(0, fetch)
    const data = req.mmr
      ? mmr(
          vector!,
          ranked.map((h) => h.value!),
          req.limit,
          req.mmr.lambda,
        ).map((i) => (req.include.value ? ranked[i]! : { ...ranked[i]!, value: undefined }))
      : ranked
    const errors = failures.map((f): PartialError => ({ collection: f.collection, ...(f.error as VecpodsError).toJSON().error }))
    const body: SearchResponse = {
      data,
      meta: {
        pods: [...new Set(targets.map((t) => t.col.pod))],
        mode: req.mode,
        served_by: served,
        ...(model ? { model, ...offlineMeta(dep.offlineKind(model)) } : {}),
        took_ms: Math.round((performance.now() - started) * 100) / 100,
        ...(errors.length ? { partial: true, errors } : {}),
      },
    }
    return c.json(body)
  })
}

/** The meta fields that label results of a generated offline model. */
function offlineMeta(kind: OfflineKind | undefined): Pick<SearchMeta, 'offline_model' | 'lexical'> {
  if (!kind) return {}
  return kind === 'lexical' ? { offline_model: kind, lexical: true } : { offline_model: kind }
}
