import { vecsTable } from '@vecpods/registry'
import type postgres from 'postgres'
import type { TokenizedDoc } from './okapi.ts'

/** Every row of a full-text collection as its pod tokenized it (rows without a word included, as BM25's N counts them). */
export async function tokenizedCollection(sql: postgres.Sql, collection: string): Promise<TokenizedDoc[]> {
  const rows = await sql.unsafe<Array<{ id: string; tokens: string[] | null }>>(
    `select t.id, array_agg(u.lexeme order by u.lexeme) filter (where u.lexeme is not null) as tokens
     from ${vecsTable(collection)} as t
     left join lateral (select v.lexeme from unnest(t.fts) as v, generate_series(1, coalesce(array_length(v.positions, 1), 1))) as u on true
     group by t.id`,
  )
  return rows.map((r) => ({ id: r.id, tokens: r.tokens ?? [] }))
}

/** A query's distinct lexemes, as the pods index documents (configuration `language`, identifier parts). */
export async function queryLexemes(sql: postgres.Sql, text: string, language = 'english'): Promise<string[]> {
  const [row] = await sql<{ l: string[] }[]>`select tsvector_to_array(to_tsvector(${language}::regconfig, vecpods.search_text(${text}))) as l`
  return row!.l
}
