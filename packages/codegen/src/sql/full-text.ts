import { type Collection, fullTextFields } from '@vecpods/registry'
import { ident, literal } from './quote.ts'

/**
 * Okapi BM25's free parameters: term-frequency saturation (k1) and document-length normalisation
 * (b), the usual values (Robertson & Zaragoza; Lucene's defaults).
 */
export const BM25 = { k1: 1.2, b: 0.75 } as const

/**
 * Bumped whenever the generated `fts` / `fts_len` expressions change: a collection whose columns
 * carry another version gets them rebuilt (the version is the columns' comment).
 */
const FTS_VERSION = 'vecpods fts 3: text + identifier parts (dotted, camelCase)'

/**
 * The functions full text needs on every project (pods and the primary), in the setup migration:
 * `vecpods.search_text` (a text followed by the parts of its code identifiers) and
 * `vecpods.token_count` (a tsvector's length in tokens, BM25's document length). Both immutable,
 * so generated columns may use them.
 */
export function fullTextFunctionsSql(): string {
  return `-- A text as full text indexes it: the text itself, then the parts of each code identifier in it:
-- the components of a dotted name (fs.readFileSync → fs readFileSync) and the words of a camelCase
-- one (readFileSync → read File Sync). The whole identifier stays a token of its own, so a query
-- naming it outranks rows that only share a common part ("sync", "get").
create or replace function vecpods.search_text(t text) returns text
language sql immutable parallel safe set search_path = '' as $$
  select coalesce(t, '') || coalesce(' ' || (
    select string_agg(
      case when m[1] like '%.%' then c else '' end
      || case when c ~ '[a-z0-9][A-Z]' then ' ' || regexp_replace(c, '([a-z0-9])([A-Z])', '\\1 \\2', 'g') else '' end, ' ')
    from regexp_matches(coalesce(t, ''), '([A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)+|[A-Za-z0-9_$]*[a-z0-9][A-Z][A-Za-z0-9_$]*)', 'g') as m,
      unnest(string_to_array(m[1], '.')) as c
  ), '')
$$;

-- A tsvector's length in tokens (positions of every lexeme; one for a lexeme without positions).
create or replace function vecpods.token_count(v tsvector) returns integer
language sql immutable parallel safe set search_path = '' as $$
  select coalesce(sum(coalesce(array_length(u.positions, 1), 1)), 0)::integer from unnest(v) as u
$$;
grant execute on function vecpods.search_text(text), vecpods.token_count(tsvector) to anon, authenticated, service_role, vecpods_fdw;
`
}

/** The distinct lexemes of a query, as documents are indexed (identifier parts included), as an SQL text[]. */
export const queryLexemesSql = (language: string, text: string) => `tsvector_to_array(to_tsvector(${language}, vecpods.search_text(${text})))`

/**
 * The generated columns of a collection with `fullText`: `fts` (the tsvector of its metadata
 * fields and their identifier parts) and `fts_len` (its length in tokens), the GIN index, the
 * catalog's language, and the BM25 statistics (kept by triggers, rebuilt here).
 */
export function fullTextColumnSql(name: string, table: string, col: Collection): string {
  if (!col.fullText) return ''
  const language = `${literal(col.fullText.language)}::regconfig`
  const text = fullTextFields(col)
    .map((f) => `coalesce(metadata ->> ${literal(f)}, '')`)
    .join(` || ' ' || `)
  const vector = `to_tsvector(${language}, vecpods.search_text(${text}))`
  return `-- Full text (mode "text" and "hybrid"): metadata ${fullTextFields(col).join(', ')} in ${col.fullText.language}, with
-- the parts of code identifiers; fts_len is the document's length in tokens (BM25).
do $$
begin
  if exists (select from pg_attribute where attrelid = '${table}'::regclass and attname = 'fts' and not attisdropped)
     and col_description('${table}'::regclass, (select attnum from pg_attribute where attrelid = '${table}'::regclass and attname = 'fts')) is distinct from ${literal(FTS_VERSION)} then
    drop view if exists public.${ident(name)};
    alter table ${table} drop column if exists fts_len, drop column fts;
  end if;
end
$$;
alter table ${table} add column if not exists fts tsvector generated always as (${vector}) stored;
alter table ${table} add column if not exists fts_len integer generated always as (vecpods.token_count(${vector})) stored;
comment on column ${table}.fts is ${literal(FTS_VERSION)};
create index if not exists ${ident(`ix_fts_${name}`)} on ${table} using gin (fts);
update vecpods.collections set text_language = ${literal(col.fullText.language)} where name = ${literal(name)};
${textStatsTriggersSql(name, table)}`
}

/** The triggers that keep a collection's BM25 statistics current, and a rebuild of them from its rows. */
function textStatsTriggersSql(name: string, table: string): string {
  const arg = literal(name)
  return `drop trigger if exists vecpods_text_stats_insert on ${table};
drop trigger if exists vecpods_text_stats_update on ${table};
drop trigger if exists vecpods_text_stats_delete on ${table};
drop trigger if exists vecpods_text_stats_truncate on ${table};
create trigger vecpods_text_stats_insert after insert on ${table} referencing new table as new_rows
  for each statement execute function vecpods.text_stats_changed(${arg});
create trigger vecpods_text_stats_update after update on ${table} referencing old table as old_rows new table as new_rows
  for each statement execute function vecpods.text_stats_changed(${arg});
create trigger vecpods_text_stats_delete after delete on ${table} referencing old table as old_rows
  for each statement execute function vecpods.text_stats_changed(${arg});
create trigger vecpods_text_stats_truncate after truncate on ${table}
  for each statement execute function vecpods.text_stats_changed(${arg});
select vecpods.refresh_text_stats(${arg});
`
}

/**
 * The plpgsql (declarations and body) that turns a query's lexemes (\`lexemes text[]\`) into
 * \`tq\` (any of the lexemes the collection holds, OR: the GIN index finds the candidates) and
 * \`rank_sql\` (both declared by the caller), the Okapi BM25 score of \`t\` as an SQL expression of built-in functions and
 * constants only, so that a foreign table's query ships it to its pod whole:
 *
 *   Σ idf(w) · tf(w) · (k1 + 1) / (tf(w) + k1 · (1 − b + b · fts_len / avgdl)),
 *   idf(w) = ln(1 + (N − n(w) + 0.5) / (n(w) + 0.5))
 *
 * tf(w) is \`ts_rank_cd\` of the one-lexeme query with every weight 1 and no normalisation: the
 * number of positions of w in the row's tsvector. N, avgdl and n(w) come from the statistics
 * tables named here (one lookup for all the query's words: no per-word query).
 */
export function bm25Plpgsql(p: { stats: string; terms: string; collection: string; k1?: string; b?: string }): { declare: string; body: string } {
  const k1 = p.k1 ?? String(BM25.k1)
  const b = p.b ?? String(BM25.b)
  return {
    declare: `  n_docs double precision;
  avg_len double precision;
  term record;
  parts text[] := '{}';
  words text[] := '{}';`,
    body: `  rank_sql := '0';
  tq := null;
  select s.docs, s.tokens::double precision / nullif(s.docs, 0) into n_docs, avg_len from ${p.stats} as s where s.collection = ${p.collection};
  for term in
    select t.lexeme, t.df from ${p.terms} as t where t.collection = ${p.collection} and t.lexeme = any(lexemes) and t.df > 0 order by t.lexeme
  loop
    words := words || quote_literal(term.lexeme);
    -- idf(w)·(k1 + 1) · (1 − K / (tf + K)), K = k1·(1 − b) + k1·b/avgdl · fts_len: float8 constants (numeric is slow).
    parts := parts || format('%s::float8 * (1 - (%s::float8 + %s::float8 * t.fts_len) / (ts_rank_cd(''{1,1,1,1}''::real[], t.fts, %L::tsquery, 0) + (%s::float8 + %s::float8 * t.fts_len)))',
      ln(1 + (greatest(n_docs, term.df) - term.df + 0.5) / (term.df + 0.5)) * (${k1} + 1),
      ${k1} * (1 - ${b}), ${k1} * ${b} / coalesce(avg_len, 1),
      quote_literal(term.lexeme),
      ${k1} * (1 - ${b}), ${k1} * ${b} / coalesce(avg_len, 1));
  end loop;
  if array_length(parts, 1) > 0 then
    rank_sql := array_to_string(parts, ' + ');
    tq := array_to_string(words, ' | ')::tsquery;
  end if;`,
  }
}
