import type { PartialError, SearchHit } from '@vecpods/protocol'
import type { VecpodsError } from '../errors.ts'
import { isPodOutage } from '../pods/pod-errors.ts'
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
 * interleaves a fan-out (hybrid scores are rank-based, so collections interleave by rank) and
 * re-sorts relaxed_order index scans. A fan-out survives pods that are out (their collections
 * become `errors`); any other failure, or every collection failing, is thrown.
 */
export function mergeResults(results: TargetResult[], fetch: number): Merged {
  const failed = results.filter((r) => 'error' in r)
  if (failed.length === results.length) throw failed[0]!.error
  const fatal = failed.find((r) => !isPodOutage(r.error))
  if (fatal) throw fatal.error
  const servedBy: Record<string, string> = {}
  const hits: SearchHit[] = []
  for (const r of results) {
    if ('error' in r) continue
    servedBy[r.target.name] = r.servedBy
    hits.push(...r.hits)
  }
  return {
    hits: hits.sort((a, b) => b.score - a.score).slice(0, fetch),
    servedBy,
    errors: failed.map((r) => ({ collection: r.target.name, ...(r.error as VecpodsError).toJSON().error })),
  }
}
