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

/**
 * The plpgsql (declarations and body) of a BM25-like rank expression over \`t.fts\` for \`query_text\`
 * in configuration \`lang\`, on the table named by the SQL text expression \`table\`: each query
 * word's ts_rank_cd (normalised by document length) times its inverse document frequency
 * ln(1 + (N − n + 0.5) / (n + 0.5)), n counted through the GIN index (capped at 10,000). The
 * words and weights are constants in the expression, so a foreign table ships it to its pod.
 */
export function textRankPlpgsql(table: string): { declare: string; body: string } {
  return {
    declare: `  total double precision := (select c.reltuples from pg_class c where c.oid = (${table})::regclass);
  word text;
  q tsquery;
  matching bigint;
  parts text[] := '{}';
  rank_sql text;`,
    body: `  if total is null or total < 1 then
    execute format('select count(*) from %s', ${table}) into total;
  end if;
  foreach word in array tsvector_to_array(to_tsvector(lang, ${splitIdentifiersSql('query_text')})) loop
    q := quote_literal(word)::tsquery;
    execute format('select count(*) from (select from %s where fts @@ $1 limit 10000) as m', ${table}) into matching using q;
    parts := parts || format('%s * ts_rank_cd(t.fts, %L::tsquery, 1)', ln(1 + (greatest(total, matching) - matching + 0.5) / (matching + 0.5)), q::text);
  end loop;
  rank_sql := coalesce(nullif(array_to_string(parts, ' + '), ''), '0');`,
  }
}
