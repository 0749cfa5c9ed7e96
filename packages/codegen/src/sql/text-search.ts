import { FUSION_DEFAULTS, FUSION_KEEPS_TOP } from '@vecpods/protocol'
import { BM25, bm25Plpgsql, queryLexemesSql } from './full-text.ts'
import { armRangeSql, fusionCtes } from './fusion.ts'

/**
 * The pods' full-text and hybrid search, part of every project's setup migration:
 * `vecpods.bm25_sql` (the BM25 rank expression of a query) and `vecpods.text_search`.
 */
export function textSearchSql(efSearch: number): string {
  const bm25 = bm25Plpgsql({ stats: 'vecpods.text_stats', terms: 'vecpods.text_terms', collection: 'bm25_sql.collection', k1: 'k1', b: 'b' })
  return `drop function if exists vecpods.text_rank_sql(regclass, regconfig, text);
-- The Okapi BM25 score of a query over a collection, as an SQL expression over \`t.fts\` and
-- \`t.fts_len\` (rank_sql), and the OR of the query's lexemes the collection holds (tq, null when
-- none). N, avgdl and each word's document frequency come from the collection's statistics.
-- Security definer: callers acting as authenticated read the statistics, not the tables behind them.
create or replace function vecpods.bm25_sql(collection text, lexemes text[], k1 double precision default ${BM25.k1}, b double precision default ${BM25.b}, out rank_sql text, out tq tsquery)
language plpgsql stable security definer set search_path = '' as $$
declare
${bm25.declare}
begin
${bm25.body}
end
$$;

-- The text search configuration of a collection's fts column (null without full text).
create or replace function vecpods.text_language(collection text) returns regconfig
language sql stable security definer set search_path = '' as $$
  select c.text_language from vecpods.collections c where c.name = collection
$$;

drop function if exists vecpods.text_search(text, text, text, integer, jsonb, integer, integer, double precision, double precision, integer, boolean, boolean, text);
drop function if exists vecpods.text_search(text, text, text, integer, jsonb, integer, text, integer, double precision, double precision, integer, boolean, boolean, text);
-- Full-text and hybrid search, one statement: the full-text arm (rows matching any query word,
-- ranked by Okapi BM25) and, when a query vector is given, the vector arm (HNSW nearest
-- neighbours), each limited to \`candidates\` rows under the same filter, fused by \`fusion\`:
-- 'convex' (each arm min-max normalised over its candidates, then vector_weight · vector +
-- text_weight · text) or 'rrf' (vector_weight / (rrf_k + vector rank) + text_weight / (rrf_k +
-- text rank)); either way each arm's first hit stays in the top ${FUSION_KEEPS_TOP}. Without a vector the
-- score is BM25. \`text_ranking\` 'cd' ranks by plain ts_rank_cd instead (no idf, no saturation:
-- pnpm eval compares them). Raises VPT01 for a collection without fullText.
create or replace function vecpods.text_search(
  collection text,
  query_text text,
  query_embedding text default null,
  match_count integer default 10,
  filter jsonb default null,
  ef_search integer default ${efSearch},
  fusion text default '${FUSION_DEFAULTS.method}',
  rrf_k integer default ${FUSION_DEFAULTS.rrf.k},
  vector_weight double precision default ${FUSION_DEFAULTS.convex.vector_weight},
  text_weight double precision default ${FUSION_DEFAULTS.convex.text_weight},
  candidates integer default 40,
  include_metadata boolean default true,
  include_value boolean default false,
  text_ranking text default 'bm25',
  caller jsonb default null
) returns table (id text, score double precision, vector_rank integer, text_rank integer, distance double precision, metadata jsonb, value text)
-- Seq scans off for the statement: the planner would test every row's tsvector where the GIN index
-- finds the few that match (5.7 ms against 0.3 ms on docs), and the vector arm has its own index.
language plpgsql volatile set search_path = '' set enable_seqscan = off set jit = off as $$
declare
  op text := vecpods.distance_operator(collection);
  lang regconfig := vecpods.text_language(collection);
  cond text := case when filter is null then '' else ' and ' || vecpods.filter_sql(filter) end;
  ranked record;
  mine text;
begin
  if lang is null then
    raise exception using errcode = 'VPT01', message = format('vecpods: collection "%s" has no full-text column (registry fullText)', collection);
  end if;
  if text_ranking not in ('bm25', 'cd') then
    raise exception using errcode = 'VPT02', message = format('vecpods: text_ranking is bm25 or cd, not "%s"', text_ranking);
  end if;
  if fusion not in ('convex', 'rrf') then
    raise exception using errcode = 'VPT02', message = format('vecpods: fusion is convex or rrf, not "%s"', fusion);
  end if;
  ranked := vecpods.bm25_sql(collection, ${queryLexemesSql('lang', 'query_text')});
  perform vecpods.act_as(caller);
  mine := vecpods.owner_sql(collection);
  if mine <> '' then
    cond := cond || ' and ' || mine;
  end if;
  perform set_config('hnsw.iterative_scan', 'relaxed_order', true);
  perform set_config('hnsw.ef_search', ef_search::text, true);
  return query execute format(
    'with v as (
       select a.id, a.d, row_number() over (order by a.d, a.id collate "C")::int as r, ${armRangeSql.vector}
       from (%5$s) as a
     ), x as (
       select b.id, b.s, row_number() over (order by b.s desc, b.id collate "C")::int as r, ${armRangeSql.text}
       from (select t.id, %4$s::float8 as s from vecs.%2$I as t
             where t.fts @@ $2 %3$s order by 2 desc limit $4) as b
     ), ${fusionCtes({ vector: '$1 is not null', method: '$10', k: '$7', vectorWeight: '$5', textWeight: '$6' }).replaceAll("'", "''")}, top as (
       select * from ranked order by ranked.pos limit $3
     )
     -- Metadata and vectors of the returned rows only (the arms carry ids and scores).
     select top.id, top.score, top.vr::int, top.xr::int, top.d,
       case when $8 then t.metadata end,
       case when $9 then t.vec::text end
     from top join vecs.%2$I as t on t.id = top.id order by top.pos',
    op, collection, cond, case when text_ranking = 'cd' then 'ts_rank_cd(t.fts, $2)' else ranked.rank_sql end,
    -- The vector arm: the nearest rows (by the bit index and re-ranked, on a binary-quantized collection).
    vecpods.nearest_sql(collection, op, 'where $1 is not null' || cond, '$4', format('t.id, (t.vec %s $1::extensions.vector)::float8 as d', op))
  ) using query_embedding, ranked.tq, match_count, candidates, vector_weight, text_weight, rrf_k, include_metadata, include_value, fusion;
end
$$;

`
}
