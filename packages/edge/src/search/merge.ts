import type { PartialError, SearchHit } from '@vecpods/protocol'
import type { VecpodsError } from '../errors.ts'
import { isPodOutage } from '../pods/pod-errors.ts'
import { keepFirsts } from './keep-firsts.ts'
import type { TargetResult } from './query.ts'

export interface Merged {
  /** Every collection's hits, best first, at most `fetch`. */
  hits: SearchHit[]
  /** Which pod or read replica answered for each collection that answered. */
  servedBy: Record<string, string>
  /** Collections whose pod was out: the answer is partial. */
  errors: PartialError[]
}

/**
 * Merges the collections' hits by score, best first. One sort for every pod and transport: it
 * interleaves a fan-out and re-sorts relaxed_order index scans. Scores of different collections
 * need not be comparable (another measure, another fusion), so each collection's best hit is kept
 * in the top max(3, collections), as the fusion keeps each arm's. A fan-out survives pods that are
 * out (their collections become `errors`); any other failure, or every collection failing, is thrown.
 */
export function mergeResults(results: TargetResult[], fetch: number): Merged {
  const failed = results.filter((r) => 'error' in r)
  if (failed.length === results.length) throw failed[0]!.error
  const fatal = failed.find((r) => !isPodOutage(r.error))
  if (fatal) throw fatal.error
  const servedBy: Record<string, string> = {}
  const hits: SearchHit[] = []
  const firsts: string[] = []
  for (const r of results) {
    if ('error' in r) continue
    servedBy[r.target.name] = r.servedBy
    const best = r.hits.reduce<SearchHit | undefined>((top, h) => (top && top.score >= h.score ? top : h), undefined)
    if (best) firsts.push(keyOf(best))
    hits.push(...r.hits)
  }
  const sorted = hits.sort((a, b) => b.score - a.score)
  // Hit ids are unique per collection, not across: key them by both.
  const keyed = keepFirsts(
    sorted.map((h) => ({ id: keyOf(h), score: h.score, hit: h })),
    firsts,
    Math.max(3, results.length),
  )
  return {
    hits: keyed.map((k) => k.hit).slice(0, fetch),
    servedBy,
    errors: failed.map((r) => ({ collection: r.target.name, ...(r.error as VecpodsError).toJSON().error })),
  }
}

const keyOf = (h: SearchHit) => `${h.collection}\u0000${h.id}`
