import { BM25 } from '@vecpods/codegen'
import winkBM25 from 'wink-bm25-text-search'

/** A document as its pod tokenized it: the lexemes of its tsvector, each repeated as often as it occurs. */
export interface TokenizedDoc {
  id: string
  tokens: string[]
}

/** Ranks documents for a query's lexemes, best first, with scores. */
export type Ranker = (lexemes: readonly string[], limit: number) => Array<{ id: string; score: number }>

/**
 * Okapi BM25 outside the database, by wink-bm25-text-search (an independent, maintained
 * implementation: the same idf, ln(1 + (N − n + 0.5) / (n + 0.5)), saturation k1 and length
 * normalisation b), over exactly the tokens the pods index. The reference the pods' SQL BM25 is
 * checked against, and the plain-BM25 baseline of `pnpm eval`.
 */
export function okapiRanker(docs: readonly TokenizedDoc[], params: { k1: number; b: number } = BM25): Ranker {
  const engine = winkBM25()
  engine.defineConfig({ fldWeights: { body: 1 }, bm25Params: { k1: params.k1, b: params.b, k: 1 } })
  // Tokens arrive as the pod made them: the only preparation is splitting on the spaces between them.
  engine.definePrepTasks([(text) => text.split(' ').filter(Boolean)])
  for (const d of docs) engine.addDoc({ body: d.tokens.join(' ') }, d.id)
  engine.consolidate(9)
  return (lexemes, limit) => engine.search([...new Set(lexemes)].join(' '), limit).map(([id, score]) => ({ id, score }))
}
