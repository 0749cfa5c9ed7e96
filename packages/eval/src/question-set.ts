import { createHash } from 'node:crypto'
import type { Chunk } from '@vecpods/corpus'
import type postgres from 'postgres'
import { type EvalQuery, isRelevant } from './queries.ts'
import { queryLexemes } from './tokens.ts'

/**
 * The split of a question, fixed by its text alone before any tuning: the first byte of its
 * SHA-256 below 128 puts it in `test`, else in `dev`. Questions of round 2 were tuned on in that
 * round, so they are `dev` whatever their hash.
 */
export function splitOf(q: Pick<EvalQuery, 'q' | 'round'>): 'dev' | 'test' {
  if (q.round === 2) return 'dev'
  return createHash('sha256').update(q.q).digest()[0]! < 128 ? 'test' : 'dev'
}

/** A word is distinctive in a collection when at most this share of its rows contain it. */
export const DISTINCTIVE_SHARE = 0.02

/**
 * Whether a question names its target: `keyword` when one of its lexemes is distinctive (in at
 * most 2% of the collection's rows) and occurs in a relevant row, `paraphrase` otherwise. Lexemes
 * and document frequencies are the pod's own (the collection's tsvectors and statistics).
 */
export async function kindOf(sql: postgres.Sql, q: EvalQuery, corpus: readonly Chunk[]): Promise<{ kind: 'keyword' | 'paraphrase'; shared: string[] }> {
  const lexemes = await queryLexemes(sql, q.q)
  const ids = corpus.filter((c) => c.collection === q.collection && isRelevant(q, c.metadata)).map((c) => c.id)
  const rows = await sql.unsafe<Array<{ lexeme: string }>>(
    `select distinct l as lexeme
     from vecs.${q.collection} as t, unnest(tsvector_to_array(t.fts)) as l, vecpods.text_stats as s, vecpods.text_terms as w
     where t.id = any($1) and l = any($2) and s.collection = $3 and w.collection = $3 and w.lexeme = l and w.df <= s.docs * $4::float8
     order by 1`,
    [ids, lexemes, q.collection, DISTINCTIVE_SHARE] as never,
  )
  const shared = rows.map((r) => r.lexeme)
  return { kind: shared.length ? 'keyword' : 'paraphrase', shared }
}
