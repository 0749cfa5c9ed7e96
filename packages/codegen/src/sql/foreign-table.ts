import { FUSION_DEFAULTS, FUSION_KEEPS_TOP } from '@vecpods/protocol'
import { binaryQuantized, type Collection, type ColumnType, distanceOperator, ownerClaimPath, scoreSql, storageType } from '@vecpods/registry'
import { columnExpression, ownerCondition } from './collection.ts'
import { bm25Plpgsql, queryLexemesSql } from './full-text.ts'
import { armRangeSql, fusionCtes } from './fusion.ts'
import { ident, literal } from './quote.ts'

const SQL_TYPE: Record<ColumnType, string> = { text: 'text', number: 'numeric', boolean: 'boolean', jsonb: 'jsonb' }
/** Rows per round trip for reads that are not nearest-neighbour queries (`.from('docs').select()`). */
const FETCH_SIZE = 500

export const serverName = (pod: string) => `vecpods_${pod}`

/**
 * The primary's side of postgres_fdw, in its setup migration: the extension and
 * `vecpods.connect_pod`, which points a pod's server at its database and maps every local role
 * to the pod's read-only `vecpods_fdw` login. Credentials are arguments, given when the stack (or
 * an operator) applies them — never part of a migration file.
 */
export function fdwSetupSql(): string {
  return `
create extension if not exists postgres_fdw with schema extensions;

create or replace function vecpods.connect_pod(
  pod text, host text, port integer, dbname text, username text, password text
) returns void
language plpgsql volatile set search_path = '' as $$
declare
  server text := 'vecpods_' || pod;
  opt record;
begin
  if not exists (select from pg_foreign_server where srvname = server) then
    raise exception using errcode = 'VPC01', message = format('vecpods: no foreign server "%s": apply the migrations first', server);
  end if;
  for opt in select * from (values ('host', host), ('port', port::text), ('dbname', dbname)) as o(key, value) loop
    execute format(
      'alter server %I options (%s %I %L)', server,
      case when exists (
        select from pg_foreign_server s, unnest(s.srvoptions) o where s.srvname = server and o like opt.key || '=%'
      ) then 'set' else 'add' end,
      opt.key, opt.value
    );
  end loop;
  execute format('drop user mapping if exists for public server %I', server);
  execute format('create user mapping for public server %I options (user %L, password %L)', server, username, password);
end
$$;
revoke all on function vecpods.connect_pod(text, text, integer, text, text, text) from public, anon, authenticated, service_role;

-- Where each pod collection lives, read by the edge function at run time (with a short cache), so
-- \`pnpm move\` can switch a collection to another pod without redeploying. Seeded from the
-- registry by each collection's migration; the registry stays the declaration of record.
create table if not exists vecpods.placements (
  collection text primary key,
  pod text not null,
  updated_at timestamptz not null default now()
);
revoke all on vecpods.placements from public, anon, authenticated;
grant select on vecpods.placements to service_role;

-- An online move in progress (\`pnpm move\`): its phase, so an interrupted run resumes.
create table if not exists vecpods.moves (
  collection text primary key,
  source text not null,
  target text not null,
  phase text not null,
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  paused_at timestamptz,
  pause_ms double precision
);
revoke all on vecpods.moves from public, anon, authenticated, service_role;
`
}

/**
 * A pod collection seen from the primary: a foreign table onto the pod's view (same columns),
 * grants by access level, and `public.match_<name>`, a search function PostgREST serves as an RPC
 * whose query postgres_fdw pushes down whole (filter, ORDER BY distance, LIMIT).
 */
/**
 * Where a pod collection's foreign table lives on the primary: `public.<name>`, or for a
 * collection with owners `vecpods.<name>_rows` (service_role only), behind the view
 * `public.<name>` that shows a signed-in caller its own rows.
 */
export function foreignTableName(name: string, col: Collection): string {
  return col.owner ? `vecpods.${ident(`${name}_rows`)}` : `public.${ident(name)}`
}

/**
 * The owner guard of a primary search function over a collection with owners: the caller's claim
 * resolved once into `who` (postgres_fdw cannot send a call of a local function, so the query gets
 * it as a parameter), service_role sees every row, anyone else without the claim nothing.
 */
function ownerGuard(col: Collection): { declare: string; check: string } {
  if (!col.owner) return { declare: '', check: '' }
  return {
    declare: `  who text := vecpods.claim(${literal(ownerClaimPath(col.owner))});
  everyone boolean := coalesce(vecpods.claim('{role}') = 'service_role', false);
`,
    check: `  if everyone then
    who := null;
  elsif who is null then
    return;
  end if;
`,
  }
}

/** The remote condition on the owner column for parameter `param` (empty without owners). */
const ownerRemote = (col: Collection, param: string) =>
  col.owner ? ` and t.${ident(col.owner.column)} ${col.owner.many ? `@> array[${param}]` : `= ${param}`}` : ''

/**
 * A search query of a primary function: for a collection with owners, the variant with the owner
 * condition when `who` is set (a caller), the one without it for service_role.
 */
function guardedQuery(col: Collection, build: (owner: string) => string, param: string): string {
  if (!col.owner) return literal(build(''))
  return `case when who is null then ${literal(build(''))} else ${literal(build(ownerRemote(col, param)))} end`
}

/**
 * The rows a nearest-neighbour query of the foreign table reads, as `FROM` text (alias t) with its
 * conditions: the table itself, or for a binary-quantized collection its `n × rerank` nearest by
 * Hamming distance on the pod's bit index (one pushed-down query), which the caller then orders by
 * the true distance.
 */
function nearestFrom(col: Collection, table: string, where: string, n: string, columns: string): string {
  if (col.quantization !== 'binary') return `${table} as t\n     ${where}`
  return `(select ${columns} from ${table} as t ${where}
       order by ${binaryQuantized('t.embedding', col.dims)} operator(extensions.<~>) ${binaryQuantized('$1', col.dims)}
       limit (${n}) * ${col.rerank}) as t`
}

/**
 * The plpgsql body of a primary search function over a foreign table: the owner guard (collections
 * with owners), then one EXECUTE of the query with its values, planned per call so postgres_fdw
 * pushes it down; no local sort (enable_sort off) and no JIT for the disabled node's cost.
 */
function searchBody(col: Collection, query: (owner: string) => string, whoParam: string, using: string): string {
  const guard = ownerGuard(col)
  return `language plpgsql stable ${col.owner ? 'security definer' : 'security invoker'} set search_path = '' set enable_sort = off set jit = off as $$
${guard.declare ? `declare\n${guard.declare}` : ''}begin
${guard.check}  return query execute
    ${guardedQuery(col, query, whoParam)}
    using ${using};
end
$$;`
}

export function foreignTableSql(name: string, col: Collection): string {
  const server = ident(serverName(col.pod))
  const table = foreignTableName(name, col)
  const view = `public.${ident(name)}`
  const fn = `public.${ident(`match_${name}`)}`
  const readers = col.access === 'public' ? 'anon, authenticated, service_role' : col.access === 'owner' ? 'authenticated, service_role' : 'service_role'
  const whoArg = col.owner ? ', who' : ''
  const columns = Object.entries(col.columns)
  const op = distanceOperator(col.measure)
  const distance = `t.embedding ${op} query_embedding`
  const args = `extensions.vector(${col.dims}), integer, jsonb, jsonpath`
  const lc = `public.${ident(`langchain_match_${name}`)}`
  const lcArgs = `extensions.vector(${col.dims}), integer, jsonb`
  const hybrid = `public.${ident(`hybrid_${name}`)}`
  const hybridArgs = `text, extensions.vector(${col.dims}), integer, jsonb, text, integer, double precision, double precision`
  const oldHybridArgs = `text, extensions.vector(${col.dims}), integer, jsonb, integer, double precision, double precision`

  return `do $$
begin
  if not exists (select from pg_foreign_server where srvname = ${literal(serverName(col.pod))}) then
    create server ${server} foreign data wrapper postgres_fdw
      options (extensions 'vector', fetch_size '${FETCH_SIZE}');
  end if;
end
$$;
${col.fullText ? statsTablesSql(col.pod) : ''}
insert into vecpods.placements (collection, pod) values (${literal(name)}, ${literal(col.pod)})
on conflict (collection) do update set pod = excluded.pod, updated_at = now() where vecpods.placements.pod is distinct from excluded.pod;

drop function if exists ${fn}(${args});
drop function if exists ${lc}(${lcArgs});
drop function if exists ${hybrid}(${hybridArgs});
drop function if exists ${hybrid}(${oldHybridArgs});
${dropRelationsSql(name)}create foreign table ${table} (
  ${[
    'id text not null',
    `embedding ${storageType(col)}`,
    'metadata jsonb',
    ...columns.map(([f, t]) => `${ident(f)} ${SQL_TYPE[t]}`),
    ...(col.fullText ? ['fts tsvector', 'fts_len integer'] : []),
    ...(col.owner ? [`${ident(col.owner.column)} ${col.owner.many ? 'text[]' : 'text'}`] : []),
  ].join(',\n  ')}
) server ${server} options (schema_name 'public', table_name ${literal(name)});
comment on foreign table ${table} is ${literal(`Collection "${name}" on pod ${col.pod}, through postgres_fdw. Nearest-neighbour search: rpc match_${name}.`)};
revoke all on ${table} from public, anon, authenticated, service_role;
${
  col.owner
    ? `grant select on ${table} to service_role;

-- A signed-in caller's own rows (every row: ${table}, service_role only). The owner condition
-- reads the caller's claim once, as a parameter postgres_fdw sends to the pod with the query;
-- security_barrier keeps the caller's own conditions from being evaluated before it.
create view ${view} with (security_barrier = true) as
select * from ${table} as t where ${ownerCondition(col.owner, 't.')};
comment on view ${view} is ${literal(`Collection "${name}" on pod ${col.pod}: the caller's own rows. Nearest-neighbour search: rpc match_${name}.`)};
revoke all on ${view} from public, anon, authenticated, service_role;
grant select on ${view} to authenticated;
`
    : `grant select on ${table} to ${readers};
`
}
-- Nearest neighbours of query_embedding among the rows whose metadata contains \`filter\` and,
-- when given, matches the jsonpath predicate \`filter_path\`. The query is planned on each call
-- with its values (EXECUTE), so postgres_fdw sends the filter and the ORDER BY to the pod
-- (enable_sort = off rules out sorting here; jit = off, as the disabled sort inflates the plan's
-- cost past the JIT threshold) and the LIMIT whenever the planner expects more
-- matches than match_count; keep statistics fresh with \`analyze ${table}\` after large loads.
-- The pod's vecpods_fdw role turns on HNSW iterative scans.
create function ${fn}(
  query_embedding extensions.vector(${col.dims}),
  match_count integer default 10,
  filter jsonb default '{}'::jsonb,
  filter_path jsonpath default null
) returns table (id text, metadata jsonb, ${columns.map(([f, t]) => `${ident(f)} ${SQL_TYPE[t]}, `).join('')}score double precision)
${searchBody(
  col,
  (owner) => `select t.id, t.metadata, ${columns.map(([f]) => `t.${ident(f)}, `).join('')}${scoreSql(col.measure, distance.replace('query_embedding', '$1'))}
     from ${nearestFrom(col, table, `where t.metadata @> $3 and ($4 is null or t.metadata @@ $4)${owner}`, 'least(greatest($2, 1), 100)', `t.id, t.metadata, t.embedding${columns.map(([f]) => `, t.${ident(f)}`).join('')}`)}
     order by ${distance.replace('query_embedding', '$1')}
     limit least(greatest($2, 1), 100)`,
  '$5',
  `query_embedding, match_count, filter, filter_path${whoArg}`,
)}
revoke all on function ${fn}(${args}) from public, anon, authenticated, service_role;
grant execute on function ${fn}(${args}) to ${readers};

-- The same search in the shape LangChain.js's SupabaseVectorStore reads (queryName
-- 'langchain_match_${name}'): content from metadata.${col.textField}, the embedding as a JSON array
-- (for maxMarginalRelevanceSearch) and the score as similarity. One pushed-down query as above.
-- match_count defaults to 100 so that a filter LangChain applies as a function still sees
-- candidates beyond the first few.
create function ${lc}(
  query_embedding extensions.vector(${col.dims}),
  match_count integer default 100,
  filter jsonb default '{}'::jsonb
) returns table (id text, content text, metadata jsonb, embedding real[], similarity double precision)
${searchBody(
  col,
  (
    owner,
  ) => `select t.id, t.metadata ->> ${literal(col.textField)}, t.metadata, t.embedding::real[], ${scoreSql(col.measure, distance.replace('query_embedding', '$1'))}
     from ${nearestFrom(col, table, `where t.metadata @> $3${owner}`, 'least(greatest($2, 1), 100)', 't.id, t.metadata, t.embedding')}
     order by ${distance.replace('query_embedding', '$1')}
     limit least(greatest($2, 1), 100)`,
  '$4',
  `query_embedding, match_count, filter${whoArg}`,
)}
revoke all on function ${lc}(${lcArgs}) from public, anon, authenticated, service_role;
grant execute on function ${lc}(${lcArgs}) to ${readers};
${col.fullText ? hybridSql(name, col, table, hybrid, hybridArgs, readers) : ''}`
}

/**
 * `public.hybrid_<name>`: hybrid search from the primary. Each arm is one query postgres_fdw
 * pushes down to the pod (filter, ORDER BY, LIMIT): the nearest rows to the query vector, and the
 * rows matching any query word ranked by BM25; the primary fuses the two short lists by
 * reciprocal rank fusion, as the pods' `vecpods.text_search` does.
 */
function hybridSql(name: string, col: Collection, table: string, fn: string, args: string, readers: string): string {
  const columns = Object.entries(col.columns)
  const distance = `t.embedding ${distanceOperator(col.measure)} $1`
  const stats = statsTables(col.pod)
  const bm25 = bm25Plpgsql({ stats: stats.stats, terms: stats.terms, collection: literal(name) })
  const rank = `vecpods.${ident(`bm25_${name}`)}`
  return `
-- The BM25 rank expression of a query over this collection (see the pods' vecpods.bm25_sql), from
-- the pod's statistics. Security definer: callers read the statistics of this collection only.
drop function if exists ${rank}(text[]);
create function ${rank}(lexemes text[], out rank_sql text, out tq tsquery)
language plpgsql stable security definer set search_path = '' as $$
declare
${bm25.declare}
begin
${bm25.body}
end
$$;
revoke all on function ${rank}(text[]) from public, anon, authenticated, service_role;
grant execute on function ${rank}(text[]) to ${readers};

-- Hybrid search (registry fullText): the vector and full-text arms, each one query pushed down to
-- the pod (filter, ORDER BY, LIMIT), fused here as the pods' vecpods.text_search fuses them:
-- \`fusion\` 'convex' (min-max normalised scores, weighted) or 'rrf' (weight / (rrf_k + rank)),
-- each arm's first hit kept in the top ${FUSION_KEEPS_TOP}. Full-text matching takes any query word (OR), ranked
-- by Okapi BM25 with the pod's statistics (one remote lookup for all the query's words).
create function ${fn}(
  query_text text,
  query_embedding extensions.vector(${col.dims}),
  match_count integer default 10,
  filter jsonb default '{}'::jsonb,
  fusion text default '${FUSION_DEFAULTS.method}',
  rrf_k integer default ${FUSION_DEFAULTS.rrf.k},
  vector_weight double precision default ${FUSION_DEFAULTS.convex.vector_weight},
  text_weight double precision default ${FUSION_DEFAULTS.convex.text_weight}
) returns table (id text, metadata jsonb, ${columns.map(([f, t]) => `${ident(f)} ${SQL_TYPE[t]}, `).join('')}score double precision, vector_rank integer, text_rank integer)
language plpgsql stable ${col.owner ? 'security definer' : 'security invoker'} set search_path = '' set enable_sort = off set jit = off as $$
declare
${ownerGuard(col).declare}  lang regconfig := ${literal(col.fullText!.language)};
  n integer := least(greatest(match_count, 1), 100);
  rank_sql text;
  tq tsquery;
begin
${ownerGuard(col).check}  if fusion not in ('convex', 'rrf') then
    raise exception using errcode = '22023', message = format('vecpods: fusion is convex or rrf, not "%s"', fusion);
  end if;
  select r.rank_sql, r.tq into rank_sql, tq from ${rank}(${queryLexemesSql('lang', 'query_text')}) as r;
  return query execute format(
    ${guardedQuery(
      col,
      (owner) => `with v as (
       select a.id, a.d, a.metadata, row_number() over (order by a.d, a.id collate "C")::int as r, ${armRangeSql.vector}
       from (select t.id, t.metadata, (${distance})::float8 as d from ${nearestFrom(col, table, `where t.metadata @> $3${owner}`, '$4', 't.id, t.metadata, t.embedding')} order by ${distance} limit $4) as a
     ), x as (
       select b.id, b.s, b.metadata, row_number() over (order by b.s desc, b.id collate "C")::int as r, ${armRangeSql.text}
       from (select t.id, t.metadata, (%1$s)::float8 as s from ${table} as t where t.fts @@ $2 and t.metadata @> $3${owner} order by s desc limit $4) as b
     ), ${fusionCtes({ vector: 'true', method: '$9', k: '$7', vectorWeight: '$5', textWeight: '$6', carry: ['metadata'] })}
     select ranked.id, ranked.metadata, ${columns.map(([f, t]) => `${columnExpression(f, t, 'ranked.metadata')}, `).join('')}ranked.score, ranked.vr::int, ranked.xr::int
     from ranked order by ranked.pos limit $8`,
      '$10',
    )},
    rank_sql)
    using query_embedding, tq, filter, greatest(n * 4, 40), vector_weight, text_weight, rrf_k, n, fusion${col.owner ? ', who' : ''};
end
$$;
revoke all on function ${fn}(${args}) from public, anon, authenticated, service_role;
grant execute on function ${fn}(${args}) to ${readers};
`
}

/**
 * Drops what a collection's migration re-creates on the primary, whatever the collection was
 * before (a foreign table in `public`, or the view over one in `vecpods` for owners).
 */
function dropRelationsSql(name: string): string {
  return `do $$
declare
  r record;
begin
  for r in
    select n.nspname, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where (n.nspname, c.relname) in (('public', ${literal(name)}), ('vecpods', ${literal(`${name}_rows`)})) and c.relkind in ('v', 'f')
    order by c.relkind desc
  loop
    execute format('drop %s %I.%I', case r.relkind when 'v' then 'view' else 'foreign table' end, r.nspname, r.relname);
  end loop;
end
$$;
`
}

/** The primary's foreign tables onto a pod's BM25 statistics (one pair per pod). */
const statsTables = (pod: string) => ({ stats: `vecpods.${ident(`text_stats_${pod}`)}`, terms: `vecpods.${ident(`text_terms_${pod}`)}` })

function statsTablesSql(pod: string): string {
  const { stats, terms } = statsTables(pod)
  const server = ident(serverName(pod))
  return `-- The pod's BM25 statistics, read by each collection's vecpods.bm25_<name> (one lookup for all of a query's words).
create foreign table if not exists ${stats} (collection text, docs bigint, tokens bigint)
  server ${server} options (schema_name 'vecpods', table_name 'text_stats');
create foreign table if not exists ${terms} (collection text, lexeme text, df bigint)
  server ${server} options (schema_name 'vecpods', table_name 'text_terms');
revoke all on ${stats}, ${terms} from public, anon, authenticated, service_role;
`
}
