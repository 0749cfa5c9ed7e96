/**
 * Per-collection BM25 statistics, in every project's setup migration: the number of rows and
 * tokens of each full-text collection (`vecpods.text_stats`) and each lexeme's document frequency
 * (`vecpods.text_terms`). Statement triggers on each collection keep them current in the writing
 * transaction; `vecpods.refresh_text_stats` rebuilds them from the rows (migrations, moves).
 */
export function textStatsSql(): string {
  return `create table if not exists vecpods.text_stats (
  collection text primary key,
  docs bigint not null default 0,
  tokens bigint not null default 0
);
create table if not exists vecpods.text_terms (
  collection text not null,
  lexeme text not null,
  df bigint not null,
  primary key (collection, lexeme)
);
revoke all on vecpods.text_stats, vecpods.text_terms from public, anon, authenticated;
grant select on vecpods.text_stats, vecpods.text_terms to service_role, vecpods_fdw;
grant usage on schema vecpods to vecpods_fdw;

-- Applies one write statement's rows to the statistics of collection tg_argv[0]: +1 per lexeme of
-- each new row, −1 per lexeme of each old one. The collection's stats row is updated first, so
-- concurrent writers of one collection queue there and never deadlock on the terms (taken in
-- lexeme order besides).
create or replace function vecpods.text_stats_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  c text := tg_argv[0];
  d_docs bigint := 0;
  d_tokens bigint := 0;
  lexemes text[];
  counts bigint[];
  gone text[];
begin
  if tg_op = 'TRUNCATE' then
    update vecpods.text_stats as s set docs = 0, tokens = 0 where s.collection = c;
    delete from vecpods.text_terms as t where t.collection = c;
    return null;
  elsif tg_op = 'INSERT' then
    select count(*), coalesce(sum(r.fts_len), 0) into d_docs, d_tokens from new_rows as r;
    select array_agg(x.l order by x.l), array_agg(x.n order by x.l) into lexemes, counts
      from (select l, count(*) as n from new_rows as r, unnest(tsvector_to_array(r.fts)) as l group by l) as x;
  elsif tg_op = 'DELETE' then
    select -count(*), -coalesce(sum(r.fts_len), 0) into d_docs, d_tokens from old_rows as r;
    select array_agg(x.l order by x.l), array_agg(-x.n order by x.l) into lexemes, counts
      from (select l, count(*) as n from old_rows as r, unnest(tsvector_to_array(r.fts)) as l group by l) as x;
  else
    -- UPDATE: only rows whose text changed move the statistics.
    d_tokens := (select coalesce(sum(r.fts_len), 0) from new_rows as r) - (select coalesce(sum(r.fts_len), 0) from old_rows as r);
    select array_agg(x.l order by x.l), array_agg(x.n order by x.l) into lexemes, counts from (
      select l, sum(n) as n from (
        select l, 1 as n from new_rows as r, unnest(tsvector_to_array(r.fts)) as l
        union all
        select l, -1 from old_rows as r, unnest(tsvector_to_array(r.fts)) as l
      ) as y group by l having sum(n) <> 0
    ) as x;
  end if;
  update vecpods.text_stats as s set docs = s.docs + d_docs, tokens = s.tokens + d_tokens where s.collection = c;
  if lexemes is null then
    return null;
  end if;
  with changed as (
    insert into vecpods.text_terms as t (collection, lexeme, df)
      select c, u.l, u.n from unnest(lexemes, counts) as u(l, n) order by u.l
      on conflict (collection, lexeme) do update set df = t.df + excluded.df
      returning t.lexeme, t.df
  )
  select array_agg(changed.lexeme) into gone from changed where changed.df <= 0;
  if gone is not null then
    delete from vecpods.text_terms as t where t.collection = c and t.lexeme = any(gone);
  end if;
  return null;
end
$$;
revoke all on function vecpods.text_stats_changed() from public, anon, authenticated;

-- Rebuilds a collection's statistics from its rows (the collection locked against writes meanwhile).
create or replace function vecpods.refresh_text_stats(collection text) returns void
language plpgsql security definer set search_path = '' as $$
begin
  execute format('lock table vecs.%I in share mode', collection);
  insert into vecpods.text_stats as s (collection) values (refresh_text_stats.collection) on conflict do nothing;
  perform from vecpods.text_stats as s where s.collection = refresh_text_stats.collection for update;
  delete from vecpods.text_terms as t where t.collection = refresh_text_stats.collection;
  execute format(
    'insert into vecpods.text_terms (collection, lexeme, df) select $1, l, count(*) from vecs.%I as r, unnest(tsvector_to_array(r.fts)) as l group by l',
    collection) using collection;
  execute format(
    'update vecpods.text_stats as s set docs = d.n, tokens = d.len from (select count(*) as n, coalesce(sum(fts_len), 0) as len from vecs.%I) as d where s.collection = $1',
    collection) using collection;
end
$$;
revoke all on function vecpods.refresh_text_stats(text) from public, anon, authenticated;
grant execute on function vecpods.refresh_text_stats(text) to service_role;
`
}
