import type { Chunk } from '@vecpods/corpus'
import { meanMetrics, type RankingMetrics, rankingMetrics } from './metrics.ts'
import { type EvalQuery, isRelevant, relevantCount } from './queries.ts'

type Extractor = (texts: string[], o: { pooling: 'mean'; normalize: true }) => Promise<{ tolist(): number[][] }>

/** Loads a generated model from `root` with transformers.js, as the edge does. */
export async function loadExtractor(root: string, id: string): Promise<Extractor> {
  const { env, pipeline } = await import('@huggingface/transformers')
  env.localModelPath = root
  env.allowLocalModels = true
  env.allowRemoteModels = false
  return (await pipeline('feature-extraction', id, { dtype: 'fp32' })) as unknown as Extractor
}

async function embedAll(extract: Extractor, texts: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = []
  for (let i = 0; i < texts.length; i += 64) {
    for (const v of (await extract(texts.slice(i, i + 64), { pooling: 'mean', normalize: true })).tolist()) out.push(Float32Array.from(v))
  }
  return out
}

/**
 * Vector-mode quality of a model without the stack: every chunk and query embedded in process,
 * exact cosine ranking per collection (what an exact search on the pods returns). For choosing a
 * model's weights quickly; `pnpm eval` measures the system itself.
 */
export async function exactVectorQuality(extract: Extractor, corpus: readonly Chunk[], queries: readonly EvalQuery[]): Promise<RankingMetrics> {
  const chunkVectors = await embedAll(
    extract,
    corpus.map((c) => c.text),
  )
  const queryVectors = await embedAll(
    extract,
    queries.map((q) => q.q),
  )
  const per = queries.map((query, qi) => {
    const q = queryVectors[qi]!
    const scored: Array<{ i: number; s: number }> = []
    corpus.forEach((c, i) => {
      if (c.collection !== query.collection) return
      const v = chunkVectors[i]!
      let s = 0
      for (let d = 0; d < v.length; d++) s += v[d]! * q[d]!
      scored.push({ i, s })
    })
    scored.sort((a, b) => b.s - a.s)
    const relevant = scored.slice(0, 10).map(({ i }) => isRelevant(query, corpus[i]!.metadata))
    return rankingMetrics(relevant, relevantCount(query, corpus))
  })
  return meanMetrics(per)
}
