import type { EvalQuery } from './queries.ts'
import { isRelevant } from './queries.ts'

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
export async function collectArms(base: string, key: string, queries: readonly EvalQuery[], depth = 100): Promise<QuestionArms[]> {
  const post = async (q: EvalQuery, mode: 'vector' | 'text'): Promise<ArmHit[]> => {
    const res = await fetch(`${base}/search`, {
      method: 'POST',
      headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ collection: q.collection, query: q.q, mode, limit: depth }),
    })
    const body = (await res.json()) as { data?: Array<{ id: string; score: number; metadata?: Record<string, unknown> }>; error?: { message: string } }
    if (!body.data) throw new Error(`${mode} search for "${q.q}" failed: ${res.status} ${body.error?.message}`)
    return body.data.map((h) => ({ id: h.id, score: h.score, relevant: isRelevant(q, h.metadata) }))
  }
  const out: QuestionArms[] = []
  for (const query of queries) out.push({ query, vector: await post(query, 'vector'), text: await post(query, 'text') })
  return out
}
