import { type Collection, fullTextFields } from '@vecpods/registry'
import { ident, literal } from './quote.ts'

/**
 * Code identifiers split before the text search parser sees them (`readFileSync` → `read File
 * Sync`), the same for documents (the generated column) and queries (the search functions), as
 * the offline model's tokenizer does.
 */
export const splitIdentifiersSql = (text: string) => `regexp_replace(${text}, '([a-z0-9])([A-Z])', '\\1 \\2', 'g')`

/**
 * A query's words with OR semantics: any word may match and `ts_rank_cd` rewards rows matching
 * more of them (`plainto_tsquery` and `websearch_to_tsquery` require every word). Null when the
 * query has no searchable word.
 */
export const orQuerySql = (language: string, text: string) =>
  `nullif(replace(plainto_tsquery(${language}, ${splitIdentifiersSql(text)})::text, ' & ', ' | '), '')::tsquery`

/** The generated `fts` column of a collection with `fullText`, its GIN index and its catalog language. */
export function fullTextColumnSql(name: string, table: string, col: Collection): string {
  if (!col.fullText) return ''
  const language = `${literal(col.fullText.language)}::regconfig`
  const text = fullTextFields(col)
    .map((f) => `coalesce(metadata ->> ${literal(f)}, '')`)
    .join(` || ' ' || `)
  return `-- Full text (mode "text" and "hybrid"): metadata ${fullTextFields(col).join(', ')} in ${col.fullText.language}.
alter table ${table} add column if not exists fts tsvector generated always as (to_tsvector(${language}, ${splitIdentifiersSql(text)})) stored;
create index if not exists ${ident(`ix_fts_${name}`)} on ${table} using gin (fts);
update vecpods.collections set text_language = ${literal(col.fullText.language)} where name = ${literal(name)};
`
}
