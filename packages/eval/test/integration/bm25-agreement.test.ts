// The pods' SQL BM25 against an independent implementation (wink-bm25-text-search) run on the same
// tokens over the whole corpus: the tsvector each pod stores, and each query's lexemes as the
// pods derive them. Top 10 identical (ties aside) for ≥ 90% of the questions, Spearman ≥ 0.95 on
// the rest. Also: the statistics the triggers keep equal a rebuild from the rows.
import { stackOptions } from '@vecpods/stack'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadQueries } from '../../src/index.ts'
import { okapiRanker, type Ranker } from '../../src/okapi.ts'
import { agreement, type Ranked } from '../../src/rank-agreement.ts'
import { queryLexemes, tokenizedCollection } from '../../src/tokens.ts'
import { seededPods } from '../seeded.ts'

const opts = stackOptions(process.env, () => {})
const COLLECTIONS = ['docs', 'posts', 'api'] as const
const rankers = new Map<string, Ranker>()
let pods: Awaited<ReturnType<typeof seededPods>>
const podOf = (collection: string) => pods.sqlOf(collection)

beforeAll(async () => {
  pods = await seededPods(opts, COLLECTIONS)
  for (const collection of COLLECTIONS) rankers.set(collection, okapiRanker(await tokenizedCollection(podOf(collection), collection)))
}, 180_000)

afterAll(() => pods.end())

describe('BM25 statistics', () => {
  it.each(COLLECTIONS)('%s: the rows, tokens and document frequencies the triggers kept equal a rebuild from the rows', async (collection) => {
    const sql = podOf(collection)
    const kept = await statistics(sql, collection)
    await sql`select vecpods.refresh_text_stats(${collection})`
    expect(await statistics(sql, collection)).toEqual(kept)
  })
})

describe('BM25 on the pods agrees with wink-bm25-text-search on the same tokens', () => {
  it('over the eval questions (≥ 200): top 10 identical for ≥ 90%, Spearman ≥ 0.95 for every other', async () => {
    const queries = loadQueries()
    expect(queries.length).toBeGreaterThanOrEqual(200)
    const outcomes = []
    for (const q of queries) {
      const sql = podOf(q.collection)
      const lexemes = await queryLexemes(sql, q.q)
      const pod = await sql<{ id: string; score: number }[]>`select id, score from vecpods.text_search(${q.collection}, ${q.q}, null, 1000)`
      const reference = rankers.get(q.collection)!(lexemes, 100_000)
      outcomes.push(agreement(pod as Ranked, reference, 10))
    }
    const identical = outcomes.filter((o) => o.identical).length
    const others = outcomes.filter((o) => !o.identical)
    console.log(
      `bm25 agreement: ${identical} of ${outcomes.length} top 10s identical; Spearman of the others: ${others.map((o) => o.spearman.toFixed(3)).join(', ') || '—'}`,
    )
    expect(identical / outcomes.length).toBeGreaterThanOrEqual(0.9)
    for (const o of others) expect(o.spearman).toBeGreaterThanOrEqual(0.95)
  }, 120_000)
})

/** A collection's statistics, as the pod keeps them. */
async function statistics(sql: postgres.Sql, collection: string) {
  const [stats] = await sql`select docs::int, tokens::int from vecpods.text_stats where collection = ${collection}`
  const terms = await sql`select lexeme, df::int from vecpods.text_terms where collection = ${collection} order by lexeme collate "C"`
  return { stats, terms: terms.map((t) => `${t.lexeme}:${t.df}`) }
}
