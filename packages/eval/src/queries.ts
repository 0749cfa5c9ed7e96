import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Chunk } from '@vecpods/corpus'
import { z } from 'zod'

/** What makes a hit relevant: every field given must match its metadata. */
const pattern = z.strictObject({
  package: z.string().optional(),
  /** The symbol is one of these (api). */
  symbol: z.array(z.string()).min(1).optional(),
  /** The section heading path contains this, case-insensitively (docs). */
  section: z.string().optional(),
  /** The version is one of these (posts). */
  version: z.array(z.string()).min(1).optional(),
})
export type RelevancePattern = z.infer<typeof pattern>

const question = z.strictObject({
  collection: z.enum(['docs', 'posts', 'api']),
  q: z.string().min(1),
  relevant: z.array(pattern).min(1),
  /** `dev`: may be tuned on. `test`: reported only, never tuned on (see `splitOf`). */
  split: z.enum(['dev', 'test']),
  /** `keyword`: shares a distinctive word with a relevant chunk; `paraphrase`: shares none (see `question-set.ts`). */
  kind: z.enum(['keyword', 'paraphrase']),
  /** When the question was written: 2 (tuned on in that round: always dev) or 3. */
  round: z.union([z.literal(2), z.literal(3)]),
})

const querySet = z.strictObject({
  description: z.string(),
  splits: z.string(),
  kinds: z.string(),
  queries: z.array(question).min(1),
})
export type EvalQuery = z.infer<typeof querySet>['queries'][number]

export const QUERY_FILE = join(import.meta.dirname, '..', 'queries.json')

export function loadQueries(file = QUERY_FILE): EvalQuery[] {
  return querySet.parse(JSON.parse(readFileSync(file, 'utf8'))).queries
}

export function matches(metadata: Record<string, unknown> | undefined, p: RelevancePattern): boolean {
  if (!metadata) return false
  const text = (key: string) => (typeof metadata[key] === 'string' || typeof metadata[key] === 'number' ? String(metadata[key]) : undefined)
  if (p.package !== undefined && text('package') !== p.package) return false
  if (p.symbol && !p.symbol.includes(text('symbol') ?? '')) return false
  if (p.section !== undefined && !(text('section') ?? '').toLowerCase().includes(p.section.toLowerCase())) return false
  if (p.version && !p.version.includes(text('version') ?? '')) return false
  return true
}

export const isRelevant = (query: EvalQuery, metadata: Record<string, unknown> | undefined) => query.relevant.some((p) => matches(metadata, p))

/** How many chunks of the query's collection are relevant; a query with none is a mistake in the set. */
export function relevantCount(query: EvalQuery, corpus: readonly Chunk[]): number {
  return corpus.filter((c) => c.collection === query.collection && isRelevant(query, c.metadata)).length
}
