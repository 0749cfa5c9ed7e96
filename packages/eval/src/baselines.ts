import type { Chunk } from '@vecpods/corpus'
import type postgres from 'postgres'
import { loadExtractor } from './offline.ts'
import { okapiRanker, type Ranker } from './okapi.ts'
import type { EvalQuery } from './queries.ts'
import { queryLexemes, tokenizedCollection } from './tokens.ts'

/** A ranking of one collection's ids for a question, best first. */
export type Ranking = (q: EvalQuery) => Promise<string[]>

/**
 * The baselines every figure is compared with, computed outside the database: Okapi BM25 by
 * wink-bm25-text-search on the pods' own tokens, the static model's exact cosine ranking (every
 * chunk and question embedded in process), and the two fused by reciprocal rank fusion (k 60,
 * equal weights: the textbook setting, untuned).
 */
export async function offlineBaselines(opts: {
  corpus: readonly Chunk[]
  collections: readonly string[]
  sqlOf: (collection: string) => postgres.Sql
  modelRoot: string
  modelId: string
}): Promise<{ bm25: Ranking; vectors: Ranking; rrf: Ranking }> {
  const rankers = new Map<string, Ranker>()
  for (const c of opts.collections) rankers.set(c, okapiRanker(await tokenizedCollection(opts.sqlOf(c), c)))
  const extract = await loadExtractor(opts.modelRoot, opts.modelId)
  const embed = async (texts: string[]) => {
    const out: Float32Array[] = []
    for (let i = 0; i < texts.length; i += 64)
      for (const v of (await extract(texts.slice(i, i + 64), { pooling: 'mean', normalize: true })).tolist()) out.push(Float32Array.from(v))
    return out
  }
  const chunks = new Map<string, { ids: string[]; vectors: Float32Array[] }>()
  for (const c of opts.collections) {
    const mine = opts.corpus.filter((x) => x.collection === c)
    chunks.set(c, { ids: mine.map((x) => x.id), vectors: await embed(mine.map((x) => x.text)) })
  }
  const bm25: Ranking = async (q) => rankers.get(q.collection)!(await queryLexemes(opts.sqlOf(q.collection), q.q), 100).map((h) => h.id)
  const vectors: Ranking = async (q) => {
    const [v] = await embed([q.q])
    const { ids, vectors: vs } = chunks.get(q.collection)!
    const scored = vs.map((d, i) => {
      let s = 0
      for (let j = 0; j < d.length; j++) s += d[j]! * v![j]!
      return { id: ids[i]!, s }
    })
    return scored
      .sort((a, b) => b.s - a.s)
      .slice(0, 100)
      .map((x) => x.id)
  }
  const rrf: Ranking = async (q) => {
    const fused = new Map<string, number>()
    for (const list of [await bm25(q), await vectors(q)]) {
      for (const [i, id] of list.entries()) fused.set(id, (fused.get(id) ?? 0) + 1 / (60 + i + 1))
    }
    return [...fused].sort((a, b) => b[1] - a[1]).map(([id]) => id)
  }
  return { bm25, vectors, rrf }
}
