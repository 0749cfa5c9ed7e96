import { meanMetrics, type RankingMetrics, rankingMetrics } from './metrics.ts'
import type { EvalQuery } from './queries.ts'

/** A system's top 10 for one question, as relevance flags. */
export interface Judged {
  query: EvalQuery
  relevant: boolean[]
  total: number
}

/** Metrics over all questions, and per collection and per kind (keyword / paraphrase). */
export interface Scores extends RankingMetrics {
  questions: number
  collections: Record<string, RankingMetrics & { questions: number }>
  kinds: Record<string, RankingMetrics & { questions: number }>
  /** Per collection and kind, e.g. `api/paraphrase`. */
  cells: Record<string, RankingMetrics & { questions: number }>
}

const mean = (judged: readonly Judged[]) => ({ ...meanMetrics(judged.map((j) => rankingMetrics(j.relevant, j.total))), questions: judged.length })

function by(judged: readonly Judged[], key: (j: Judged) => string) {
  const groups = new Map<string, Judged[]>()
  for (const j of judged) groups.set(key(j), [...(groups.get(key(j)) ?? []), j])
  return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, js]) => [k, mean(js)]))
}

export function score(judged: readonly Judged[]): Scores {
  return {
    ...mean(judged),
    collections: by(judged, (j) => j.query.collection),
    kinds: by(judged, (j) => j.query.kind),
    cells: by(judged, (j) => `${j.query.collection}/${j.query.kind}`),
  }
}
