import { type Collection, type ColumnType, type IndexSpec, type Measure, opclassOf } from '@vecpods/registry'
import { ident, literal } from './quote.ts'

/** SQL expression reading one metadata field as a typed column; wrong-typed values read as null. */
export function columnExpression(field: string, type: ColumnType): string {
  const key = literal(field)
  switch (type) {
    case 'text':
      return `metadata ->> ${key}`
    case 'number':
      return `case when jsonb_typeof(metadata -> ${key}) = 'number' then (metadata ->> ${key})::numeric end`
    case 'boolean':
      return `case when jsonb_typeof(metadata -> ${key}) = 'boolean' then (metadata ->> ${key})::boolean end`
    case 'jsonb':
      return `metadata -> ${key}`
  }
}

function vectorIndexSql(name: string, table: string, measure: Measure, index: IndexSpec): string {
  switch (index.method) {
    case 'none':
      return `-- no vector index: similarity search on "${name}" scans every row (exact results).\n`
    case 'hnsw':
      return `create index if not exists ${ident(`${name}_vec_hnsw_idx`)} on ${table}
  using hnsw (vec ${opclassOf(measure)}) with (m = ${index.m}, ef_construction = ${index.efConstruction});\n`
    case 'ivfflat':
      return `create index if not exists ${ident(`${name}_vec_ivfflat_idx`)} on ${table}
  using ivfflat (vec ${opclassOf(measure)}) with (lists = ${index.lists});\n`
  }
}

/**
 * One collection's objects: the vecs-compatible table, its vector and metadata indexes, the
 * catalog row, the `public.<name>` view (security_invoker) and grants and RLS by access level.
 */
export function collectionSql(name: string, col: Collection): string {
  const table = `vecs.${ident(name)}`
  const view = `public.${ident(name)}`
  const columns = Object.entries(col.columns)
  const readers = col.access === 'public' ? 'anon, authenticated' : null

  const viewColumns = ['id', 'vec as embedding', 'metadata', ...columns.map(([field, type]) => `${columnExpression(field, type)} as ${ident(field)}`)]
  const columnIndexes = columns
    .filter(([, type]) => type === 'text' || type === 'number')
    .map(([field, type]) => `create index if not exists ${ident(`${name}_${field}_idx`)} on ${table} ((${columnExpression(field, type)}));\n`)
    .join('')

  return `create table if not exists ${table} (
  id text primary key,
  vec extensions.vector(${col.dims}) not null,
  metadata jsonb not null default '{}'::jsonb
);

${vectorIndexSql(name, table, col.measure, col.index)}create index if not exists ${ident(`${name}_metadata_idx`)} on ${table} using gin (metadata jsonb_path_ops);
${columnIndexes}
insert into vecpods.collections (name, dims, measure)
values (${literal(name)}, ${col.dims}, ${literal(col.measure)})
on conflict (name) do update set dims = excluded.dims, measure = excluded.measure;

alter table ${table} enable row level security;
drop policy if exists ${ident(`${name}_public_read`)} on ${table};
${
  readers
    ? `create policy ${ident(`${name}_public_read`)} on ${table} for select to ${readers} using (true);\n`
    : `-- access "service": no policy for anon or authenticated; service_role bypasses RLS.\n`
}drop policy if exists ${ident(`${name}_fdw_read`)} on ${table};
create policy ${ident(`${name}_fdw_read`)} on ${table} for select to vecpods_fdw using (true);
revoke all on ${table} from public, anon, authenticated, vecpods_fdw;
grant select, insert, update, delete on ${table} to service_role;
grant select on ${table} to vecpods_fdw;
${readers ? `grant select on ${table} to ${readers};\n` : ''}
drop view if exists ${view};
create view ${view} with (security_invoker = true) as
select
  ${viewColumns.join(',\n  ')}
from ${table};
revoke all on ${view} from public, anon, authenticated, vecpods_fdw;
grant select, insert, update, delete on ${view} to service_role;
grant select on ${view} to vecpods_fdw;
${readers ? `grant select on ${view} to ${readers};\n` : ''}`
}
