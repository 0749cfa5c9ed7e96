import { MEASURE_SQL, MEASURES } from '@vecpods/registry'
import { fullTextFunctionsSql } from './full-text.ts'
import { literal } from './quote.ts'
import { textSearchSql } from './text-search.ts'
import { textStatsSql } from './text-stats.ts'

/** Minimum pgvector version: 0.8 brings HNSW iterative index scans, which filtered search relies on. */
export const PGVECTOR_MIN = [0, 8, 0] as const

/**
 * The first migration of every project (the primary and each pod): pgvector in schema
 * `extensions` as Supabase installs it, the `vecs` schema for collection tables, and the
 * `vecpods.collections` catalog that records each collection's dims, measure and model.
 */
export function setupSql(efSearch: number): string {
  return `create extension if not exists vector with schema extensions;

do $$
declare
  v text := (select extversion from pg_extension where extname = 'vector');
begin
  if string_to_array(v, '.')::int[] < array[${PGVECTOR_MIN.join(', ')}] then
    raise exception 'vecpods needs pgvector >= ${PGVECTOR_MIN.join('.')}, this database has %', v
      using hint = 'alter extension vector update;';
  end if;
end
$$;

create schema if not exists vecs;
grant usage on schema vecs to anon, authenticated, service_role;

create schema if not exists vecpods;
revoke all on schema vecpods from public;
-- Everything in it is revoked from anon and authenticated but the few functions granted to them
-- by name (full-text helpers that security-invoker RPCs such as hybrid_<name> call).
grant usage on schema vecpods to anon, authenticated, service_role;

-- One row per collection: its shape, and the embedding model that filled it (set by the first
-- write, then enforced, so vectors from two models are never mixed in one collection).
create table if not exists vecpods.collections (
  name text primary key,
  dims integer not null check (dims > 0),
  measure text not null check (measure in ('cosine', 'l2', 'inner_product')),
  model text,
  filled_at timestamptz,
  text_language regconfig
);
-- Full text (registry fullText): the text search configuration of the collection's fts column.
alter table vecpods.collections add column if not exists text_language regconfig;
-- Rows that belong to someone (registry access "owner"): the column holding each row's owner (an
-- array of owners when owner_many), and the JWT claim (a path into request.jwt.claims) naming the caller.
alter table vecpods.collections add column if not exists owner_column text;
alter table vecpods.collections add column if not exists owner_claim text[];
alter table vecpods.collections add column if not exists owner_many boolean not null default false;
-- Storage (registry storage: vector or halfvec) and, for a binary-quantized index, the re-rank
-- factor: a search takes limit × rerank candidates by Hamming distance, then the true distance orders them.
alter table vecpods.collections add column if not exists storage text not null default 'vector';
alter table vecpods.collections add column if not exists rerank integer;
revoke all on vecpods.collections from public, anon, authenticated;
grant select, insert, update, delete on vecpods.collections to service_role;

-- One claim of the caller's verified JWT, as PostgREST sets it (request.jwt.claims) and as the
-- edge sets it for one statement (vecpods.act_as); what row-level security policies compare
-- owners with. Null without one.
create or replace function vecpods.claim(path text[]) returns text
language sql stable set search_path = '' as $$
  select nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb #>> path
$$;

-- The role a primary's postgres_fdw user mapping logs in as: read-only, and with the HNSW
-- iterative-scan settings a foreign-table query needs (the primary's SET does not cross the wire).
-- It has no login until the operator gives it one (the local stack does: \`alter role vecpods_fdw login password …\`).
do $$
begin
  if not exists (select from pg_roles where rolname = 'vecpods_fdw') then
    create role vecpods_fdw nologin noinherit;
  end if;
end
$$;
alter role vecpods_fdw set hnsw.iterative_scan = 'strict_order';
alter role vecpods_fdw set hnsw.ef_search = ${efSearch};
-- The vector index rather than an exact scan (the planner prices HNSW by ef_search and picks a slow
-- sequential scan on collections of a few thousand rows); reads without a usable index still scan.
alter role vecpods_fdw set enable_seqscan = off;
-- A plan with a disabled node costs 10^10 and would be JIT-compiled (hundreds of ms) for a
-- millisecond query: no JIT where plan nodes are switched off.
alter role vecpods_fdw set jit = off;
alter role vecpods_fdw set statement_timeout = '10s';
grant usage on schema vecs, extensions to vecpods_fdw;
grant execute on function vecpods.claim(text[]) to anon, authenticated, service_role, vecpods_fdw;

-- The edge's SQL login acts for a signed-in caller (vecpods.act_as) by switching to the
-- authenticated role for one statement: it must be a member of it (Supabase's postgres is).
do $$
begin
  if not pg_has_role(current_user, 'authenticated', 'member') then
    execute format('grant authenticated to %I', current_user);
  end if;
exception when insufficient_privilege then
  raise warning 'vecpods: % cannot be granted the authenticated role; owner collections need the edge''s login to be a member of it', current_user;
end
$$;
${podFunctionsSql(efSearch)}`
}

/**
 * The pod API both edge transports share: direct SQL calls these functions for writes, and the
 * PostgREST transport calls all of them as RPCs (schema "vecpods", service_role only).
 * Errors carry SQLSTATEs the edge maps to its codes: VPC01 unknown collection, VPM01 model
 * mismatch, VPF01 malformed filter.
 */
function podFunctionsSql(efSearch: number): string {
  const measureCases = MEASURES.map((m) => `when ${literal(m)} then ${literal(MEASURE_SQL[m].operator)} `).join('')
  return `
-- A filter as the edge lowers it (and / or / not over containment and jsonpath tests), rendered
-- to SQL over "metadata". Every value is quoted here; the tree carries no SQL.
create or replace function vecpods.filter_sql(node jsonb) returns text
language plpgsql immutable set search_path = '' as $$
declare
  k text;
  v jsonb;
  parts text;
begin
  if jsonb_typeof(node) <> 'object' or (select count(*) from jsonb_object_keys(node)) <> 1 then
    raise exception using errcode = 'VPF01', message = 'vecpods: a filter node is an object with one key';
  end if;
  select key, value into k, v from jsonb_each(node);
  case k
    when 'and', 'or' then
      if jsonb_typeof(v) <> 'array' or jsonb_array_length(v) = 0 then
        raise exception using errcode = 'VPF01', message = format('vecpods: "%s" takes a non-empty array', k);
      end if;
      select string_agg(vecpods.filter_sql(e), ' ' || k || ' ') into parts from jsonb_array_elements(v) as e;
      return '(' || parts || ')';
    when 'not' then
      return 'not (' || vecpods.filter_sql(v) || ')';
    when 'contains' then
      return 'metadata @> ' || quote_literal(v::text) || '::jsonb';
    when 'match', 'exists' then
      if jsonb_typeof(v) <> 'string' then
        raise exception using errcode = 'VPF01', message = format('vecpods: "%s" takes a jsonpath string', k);
      end if;
      perform (v #>> '{}')::jsonpath;
      return 'metadata ' || case k when 'match' then '@@ ' else '@? ' end || quote_literal(v #>> '{}') || '::jsonpath';
    else
      raise exception using errcode = 'VPF01', message = format('vecpods: unknown filter node "%s"', k);
  end case;
end
$$;

-- The schema-qualified distance operator of a collection's measure; raises VPC01 for a collection not on this pod.
-- Security definer: it reads the catalog for callers acting as authenticated (owner collections).
create or replace function vecpods.distance_operator(collection text) returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  m text := (select c.measure from vecpods.collections c where c.name = collection);
begin
  if m is null then
    raise exception using errcode = 'VPC01', message = format('vecpods: no collection "%s" on this pod', collection);
  end if;
  return format('operator(extensions.%s)', case m ${measureCases}end);
end
$$;

-- Makes the rest of the statement run for a signed-in caller: role authenticated and the
-- caller's verified claims (from the edge), local to the statement's transaction, so row-level
-- security keeps the caller to its own rows and nothing survives into the pooled connection's
-- next statement. Only the edge's own login (or service_role) may act for someone: a caller
-- already acting as anon or authenticated cannot choose claims.
create or replace function vecpods.act_as(caller jsonb) returns void
language plpgsql volatile set search_path = '' as $$
begin
  if caller is null then
    return;
  end if;
  if current_user in ('anon', 'authenticated') then
    raise exception using errcode = 'VPA01', message = 'vecpods: only the service role acts for a caller';
  end if;
  if jsonb_typeof(caller) <> 'object' or caller ->> 'role' is distinct from 'authenticated' then
    raise exception using errcode = 'VPA01', message = 'vecpods: a caller is a JWT payload of role authenticated';
  end if;
  perform pg_catalog.set_config('request.jwt.claims', caller::text, true);
  perform pg_catalog.set_config('role', 'authenticated', true);
end
$$;

-- A collection's owner column, claim and kind (registry access "owner"); null column for others.
create or replace function vecpods.owner_of(collection text, out col text, out claim text[], out many boolean)
language sql stable security definer set search_path = '' as $$
  select c.owner_column, c.owner_claim, c.owner_many from vecpods.collections c where c.name = collection
$$;

-- For a caller acting as anon or authenticated on a collection with owners: the owner condition
-- with the caller's claim as a constant (row-level security applies it anyway, but through an init
-- plan the planner cannot match a per-owner partial index or use the owner's row count). '' otherwise.
create or replace function vecpods.owner_sql(collection text) returns text
language plpgsql stable set search_path = '' as $$
declare
  o record;
  who text;
begin
  if current_user not in ('anon', 'authenticated') then
    return '';
  end if;
  select * into o from vecpods.owner_of(collection);
  if o.col is null then
    return '';
  end if;
  who := vecpods.claim(o.claim);
  return case when o.many then format('t.%I @> array[%L]', o.col, who) else format('t.%I = %L', o.col, who) end;
end
$$;

-- A collection's dims and, when its index holds binary-quantized vectors, the re-rank factor.
create or replace function vecpods.shape(collection text, out dims integer, out rerank integer)
language sql stable security definer set search_path = '' as $$
  select c.dims, c.rerank from vecpods.collections c where c.name = collection
$$;

-- The nearest rows as SQL over vecs.<collection> (alias t, query vector $1, conditions \`conds\`,
-- \`n\` rows, selecting \`cols\`): ordered by the distance operator, or for a binary-quantized
-- collection n × rerank candidates by Hamming distance on the bit index, ordered by the true distance.
create or replace function vecpods.nearest_sql(collection text, op text, conds text, n text, cols text) returns text
language plpgsql stable set search_path = '' as $$
declare
  s record;
begin
  select * into s from vecpods.shape(collection);
  if s.rerank is null then
    return format('select %s from vecs.%I as t %s order by t.vec %s $1::extensions.vector limit %s', cols, collection, conds, op, n);
  end if;
  return format(
    'select %1$s from (select * from vecs.%2$I as t %3$s order by extensions.binary_quantize(t.vec)::bit(%4$s) operator(extensions.<~>) extensions.binary_quantize($1::extensions.vector)::bit(%4$s) limit (%5$s) * %6$s) as t order by t.vec %7$s $1::extensions.vector limit %5$s',
    cols, collection, conds, s.dims, n, s.rerank, op);
end
$$;

drop function if exists vecpods.search(text, text, integer, jsonb, integer, boolean, boolean, boolean);
-- Nearest neighbours with HNSW iterative scans (relaxed order; rows re-sorted by the caller).
-- \`caller\`: a signed-in caller's claims (SQL transport), whose own rows the search sees.
create or replace function vecpods.search(
  collection text,
  query_embedding text,
  match_count integer default 10,
  filter jsonb default null,
  ef_search integer default ${efSearch},
  exact boolean default false,
  include_metadata boolean default true,
  include_value boolean default false,
  caller jsonb default null
) returns table (id text, distance double precision, metadata jsonb, value text)
language plpgsql volatile set search_path = '' set enable_seqscan = off set jit = off as $$
declare
  op text := vecpods.distance_operator(collection);
  conds text[];
  where_sql text;
begin
  perform vecpods.act_as(caller);
  conds := array_remove(array[nullif(vecpods.owner_sql(collection), ''), case when filter is not null then vecpods.filter_sql(filter) end], null);
  where_sql := case when cardinality(conds) = 0 then '' else 'where ' || array_to_string(conds, ' and ') end;
  perform set_config('hnsw.iterative_scan', 'relaxed_order', true);
  perform set_config('hnsw.ef_search', ef_search::text, true);
  -- Exact: a scan of every row (the function's own setting keeps seq scans off for index searches;
  -- with both off, the planner would still take the index and answer approximately).
  perform set_config('enable_indexscan', case when exact then 'off' else 'on' end, true);
  perform set_config('enable_seqscan', case when exact then 'on' else 'off' end, true);
  -- An exact search scans every row by the true distance, quantized index or not.
  return query execute case when exact then format(
    'select t.id, (t.vec %1$s $1::extensions.vector)::float8, case when $3 then t.metadata end, case when $4 then t.vec::text end
     from vecs.%2$I as t %3$s order by t.vec %1$s $1::extensions.vector limit $2',
    op, collection, where_sql
  ) else vecpods.nearest_sql(collection, op, where_sql, '$2',
    format('t.id, (t.vec %s $1::extensions.vector)::float8, case when $3 then t.metadata end, case when $4 then t.vec::text end', op))
  end using query_embedding, match_count, include_metadata, include_value;
end
$$;

${fullTextFunctionsSql()}
${textStatsSql()}
${textSearchSql(efSearch)}-- Records the model of a collection's first write, and refuses another model's vectors (VPM01)
-- until the collection is empty again. Security definer: writers acting as authenticated cannot
-- write the catalog themselves.
create or replace function vecpods.record_model(collection text, model text) returns void
language plpgsql volatile security definer set search_path = '' as $$
declare
  recorded text;
  empty boolean;
begin
  select c.model into recorded from vecpods.collections c where c.name = collection for update;
  if not found then
    raise exception using errcode = 'VPC01', message = format('vecpods: no collection "%s" on this pod', collection);
  end if;
  if recorded is distinct from model then
    execute format('select not exists (select from vecs.%I)', collection) into empty;
    if recorded is not null and not empty then
      raise exception using errcode = 'VPM01', message = format('collection "%s" holds "%s" embeddings, not "%s"', collection, recorded, model);
    end if;
    -- Rows written outside vecpods (vecs, SQL) carry no model record: never guess one for them.
    if recorded is null and not empty then
      raise exception using errcode = 'VPM01', message = format(
        'collection "%s" has rows but no recorded model (written outside vecpods?): declare it in the registry (collections.%s.model) or empty the collection', collection, collection);
    end if;
    update vecpods.collections c set model = record_model.model, filled_at = now() where c.name = collection;
  end if;
end
$$;

drop function if exists vecpods.upsert(text, text, jsonb);
-- Upserts a batch ([{id, vec, metadata, owner?}]) in the caller's transaction. On a collection
-- with owners, a signed-in caller's rows are owned by its claim (a record's "owner" is ignored,
-- and an existing row of someone else is refused by row-level security); service_role gives each
-- record's owner (a string, or an array of them for an owner array).
create or replace function vecpods.upsert(collection text, model text, records jsonb, caller jsonb default null) returns integer
language plpgsql volatile set search_path = '' as $$
declare
  n integer;
  o record;
  owner_value text;
  missing text;
begin
  select * into o from vecpods.owner_of(collection);
  perform vecpods.record_model(collection, model);
  perform vecpods.act_as(caller);
  if o.col is null then
    execute format(
      'insert into vecs.%I (id, vec, metadata)
       select r ->> ''id'', (r ->> ''vec'')::extensions.vector, coalesce(r -> ''metadata'', ''{}''::jsonb)
       from jsonb_array_elements($1) as r
       on conflict (id) do update set vec = excluded.vec, metadata = excluded.metadata',
      collection
    ) using records;
  elsif current_user in ('anon', 'authenticated') then
    owner_value := vecpods.claim(o.claim);
    if owner_value is null then
      raise exception using errcode = 'VPA02', message = format('vecpods: the caller has no "%s" claim to own rows by', array_to_string(o.claim, '.'));
    end if;
    execute format(
      'insert into vecs.%1$I (id, vec, metadata, %2$I)
       select r ->> ''id'', (r ->> ''vec'')::extensions.vector, coalesce(r -> ''metadata'', ''{}''::jsonb), %3$s
       from jsonb_array_elements($1) as r
       on conflict (id) do update set vec = excluded.vec, metadata = excluded.metadata',
      collection, o.col, case when o.many then 'array[$2]' else '$2' end
    ) using records, owner_value;
  else
    select r ->> 'id' into missing from jsonb_array_elements(records) as r
    where jsonb_typeof(r -> 'owner') is distinct from case when o.many then 'array' else 'string' end limit 1;
    if found then
      raise exception using errcode = 'VPA03', message = format('vecpods: record "%s" needs an "owner" (%s) on collection "%s"', missing, case when o.many then 'an array of owners' else 'a string' end, collection);
    end if;
    execute format(
      'insert into vecs.%1$I (id, vec, metadata, %2$I)
       select r ->> ''id'', (r ->> ''vec'')::extensions.vector, coalesce(r -> ''metadata'', ''{}''::jsonb), %3$s
       from jsonb_array_elements($1) as r
       on conflict (id) do update set vec = excluded.vec, metadata = excluded.metadata, %2$I = excluded.%2$I',
      collection, o.col, case when o.many then 'array(select jsonb_array_elements_text(r -> ''owner''))' else 'r ->> ''owner''' end
    ) using records;
  end if;
  get diagnostics n = row_count;
  return n;
end
$$;

drop function if exists vecpods.delete_ids(text, text[]);
create or replace function vecpods.delete_ids(collection text, ids text[], caller jsonb default null) returns integer
language plpgsql volatile set search_path = '' as $$
declare
  n integer;
begin
  perform vecpods.distance_operator(collection);
  perform vecpods.act_as(caller);
  execute format('delete from vecs.%I where id = any($1)', collection) using ids;
  get diagnostics n = row_count;
  return n;
end
$$;

drop function if exists vecpods.delete_where(text, jsonb);
create or replace function vecpods.delete_where(collection text, filter jsonb, caller jsonb default null) returns integer
language plpgsql volatile set search_path = '' as $$
declare
  n integer;
begin
  perform vecpods.distance_operator(collection);
  perform vecpods.act_as(caller);
  execute format('delete from vecs.%I where %s', collection, vecpods.filter_sql(filter));
  get diagnostics n = row_count;
  return n;
end
$$;

-- Refuses writes to a collection while \`pnpm move\` switches it to another pod (a statement trigger
-- on its table during the pause): the edge answers 503 with Retry-After and the writer retries.
create or replace function vecpods.refuse_writes() returns trigger
language plpgsql set search_path = '' as $$
begin
  raise exception using errcode = 'VPW01', message = format('vecpods: collection "%s" is moving to another pod: retry in a moment', tg_table_name);
end
$$;

-- Each collection's shape, model and row count: counted up to 10,000 rows, the planner's estimate
-- (pg_class.reltuples, kept by autovacuum's analyze) above. The catalog answers anyone's
-- GET /collections, so what it reads is bounded: counting 1M rows took about 50 ms a collection.
create or replace function vecpods.catalog()
returns table (name text, dims integer, measure text, model text, rows bigint)
language plpgsql stable set search_path = '' as $$
declare
  c record;
  n bigint;
begin
  for c in select * from vecpods.collections order by 1 loop
    execute format('select count(*) from (select from vecs.%I limit 10001) s', c.name) into n;
    if n > 10000 then
      n := greatest(n, (select t.reltuples::bigint from pg_catalog.pg_class t where t.oid = format('vecs.%I', c.name)::regclass));
    end if;
    name := c.name; dims := c.dims; measure := c.measure; model := c.model; rows := n;
    return next;
  end loop;
end
$$;

revoke all on function vecpods.filter_sql(jsonb), vecpods.distance_operator(text), vecpods.bm25_sql(text, text[], double precision, double precision),
  vecpods.act_as(jsonb), vecpods.owner_of(text), vecpods.owner_sql(text), vecpods.shape(text), vecpods.nearest_sql(text, text, text, text, text), vecpods.text_language(text), vecpods.record_model(text, text),
  vecpods.search(text, text, integer, jsonb, integer, boolean, boolean, boolean, jsonb),
  vecpods.text_search(text, text, text, integer, jsonb, integer, text, integer, double precision, double precision, integer, boolean, boolean, text, jsonb),
  vecpods.upsert(text, text, jsonb, jsonb), vecpods.delete_ids(text, text[], jsonb), vecpods.delete_where(text, jsonb, jsonb),
  vecpods.catalog() from public, anon, authenticated;
grant execute on function vecpods.filter_sql(jsonb), vecpods.distance_operator(text), vecpods.bm25_sql(text, text[], double precision, double precision),
  vecpods.act_as(jsonb), vecpods.owner_of(text), vecpods.owner_sql(text), vecpods.shape(text), vecpods.nearest_sql(text, text, text, text, text), vecpods.text_language(text), vecpods.record_model(text, text),
  vecpods.search(text, text, integer, jsonb, integer, boolean, boolean, boolean, jsonb),
  vecpods.text_search(text, text, text, integer, jsonb, integer, text, integer, double precision, double precision, integer, boolean, boolean, text, jsonb),
  vecpods.upsert(text, text, jsonb, jsonb), vecpods.delete_ids(text, text[], jsonb), vecpods.delete_where(text, jsonb, jsonb),
  vecpods.catalog() to service_role;
-- Signed-in callers reach owner collections through PostgREST with a token the edge signs for
-- the pod: the reads and writes run as authenticated, and the tables' grants and row-level
-- security decide what they see (public collections: every row; service ones: nothing).
grant execute on function vecpods.filter_sql(jsonb), vecpods.distance_operator(text), vecpods.bm25_sql(text, text[], double precision, double precision),
  vecpods.act_as(jsonb), vecpods.owner_of(text), vecpods.owner_sql(text), vecpods.shape(text), vecpods.nearest_sql(text, text, text, text, text), vecpods.text_language(text), vecpods.record_model(text, text),
  vecpods.search(text, text, integer, jsonb, integer, boolean, boolean, boolean, jsonb),
  vecpods.text_search(text, text, text, integer, jsonb, integer, text, integer, double precision, double precision, integer, boolean, boolean, text, jsonb),
  vecpods.upsert(text, text, jsonb, jsonb), vecpods.delete_ids(text, text[], jsonb), vecpods.delete_where(text, jsonb, jsonb) to authenticated;
`
}

/**
 * Pods only: a PostgREST pre-request function that lets the edge bound a request's statement by
 * its own deadline (header `x-vecpods-timeout-ms`): PostgREST does not cancel a query whose
 * client went away, so without it a search the edge gave up on ran on to the role's 8 s. It only
 * ever lowers the timeout. It becomes the pod API's pre-request (PostgREST's in-database config),
 * replacing any other one on the pod.
 */
export function podRestSetupSql(): string {
  return `
create or replace function vecpods.pre_request() returns void
language plpgsql volatile set search_path = '' as $$
declare
  header text := current_setting('request.headers', true)::json ->> 'x-vecpods-timeout-ms';
  asked int;
  now_ms float8;
begin
  if header !~ '^[0-9]{1,7}$' then return; end if;
  asked := header::int;
  -- current_setting gives the timeout with its unit ('8s', '0'), which an interval reads; the
  -- pg_settings view would do, but it builds every setting's row, a third of a millisecond a call.
  now_ms := extract(epoch from current_setting('statement_timeout')::interval) * 1000;
  if asked > 0 and (now_ms = 0 or asked < now_ms) then
    perform pg_catalog.set_config('statement_timeout', asked::text, true);
  end if;
end
$$;
grant execute on function vecpods.pre_request() to anon, authenticated, service_role;
alter role authenticator set pgrst.db_pre_request = 'vecpods.pre_request';
notify pgrst, 'reload config';
`
}
