import { searchEdge } from './edge-process.ts'
import { type EvalQuery, isRelevant } from './queries.ts'

/** One arm's candidates for a question, best first, with the arm's own score and each row's relevance. */
export interface ArmHit {
  id: string
  score: number
  relevant: boolean
}

export interface QuestionArms {
  query: EvalQuery
  vector: ArmHit[]
  text: ArmHit[]
}

/**
 * Both arms of a hybrid search, each on its own, for every question: `depth` nearest rows and
 * `depth` best BM25 rows, through the running function (service key). What fusion methods are
 * compared on offline, on the development split only.
 */
export async function collectArms(edge: { base: string; key: string }, queries: readonly EvalQuery[], depth = 100): Promise<QuestionArms[]> {
  const arm = async (q: EvalQuery, mode: 'vector' | 'text'): Promise<ArmHit[]> =>
    (await searchEdge(edge, { collection: q.collection, query: q.q, mode, limit: depth })).map((h) => ({
      id: h.id,
      score: h.score,
      relevant: isRelevant(q, h.metadata),
    }))
  const out: QuestionArms[] = []
  for (const query of queries) out.push({ query, vector: await arm(query, 'vector'), text: await arm(query, 'text') })
  return out
}
