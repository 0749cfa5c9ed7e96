import { type Collection, type ColumnType, type IndexSpec, indexedForm, type Owner, ownerClaimPath, storageType, vecsTable } from '@vecpods/registry'
import { fullTextColumnSql } from './full-text.ts'
import { ident, literal } from './quote.ts'

/** SQL expression reading one metadata field as a typed column; wrong-typed values read as null. */
export function columnExpression(field: string, type: ColumnType, source = 'metadata'): string {
  const key = literal(field)
  switch (type) {
    case 'text':
      return `${source} ->> ${key}`
    case 'number':
      return `case when jsonb_typeof(${source} -> ${key}) = 'number' then (${source} ->> ${key})::numeric end`
    case 'boolean':
      return `case when jsonb_typeof(${source} -> ${key}) = 'boolean' then (${source} ->> ${key})::boolean end`
    case 'jsonb':
      return `${source} -> ${key}`
  }
}

/** A short, stable hash of a name, for index names that would pass PostgreSQL's 63 characters. */
function shortHash(text: string): string {
  let h = 0x811c9dc5
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0
  return h.toString(16).padStart(8, '0')
}

/** `<prefix><name>`, within PostgreSQL's 63-character identifiers (a hash keeps long ones distinct). */
function indexName(prefix: string, name: string): string {
  return prefix.length + name.length <= 63 ? `${prefix}${name}` : `${prefix}${name.slice(0, 63 - prefix.length - 9)}_${shortHash(name)}`
}

/**
 * The vector index's name in vecs's convention (`ix_<opclass>_hnsw_m<m>_efc<ef>_…`,
 * `ix_<opclass>_ivfflat_nl<lists>_…`): vecs finds a collection's index by the `ix_vector` prefix
 * and the operator class in the name, so it uses (and `create_index()` replaces) this one.
 * (A halfvec or binary-quantized index is named by its own operator class.)
 */
export function vectorIndexName(name: string, col: Pick<Collection, 'measure' | 'dims' | 'storage' | 'quantization'>, index: IndexSpec): string | undefined {
  const ops = indexedForm(col).opclass
  if (index.method === 'hnsw') return indexName(`ix_${ops}_hnsw_m${index.m}_efc${index.efConstruction}_`, name)
  if (index.method === 'ivfflat') return indexName(`ix_${ops}_ivfflat_nl${index.lists}_`, name)
  return undefined
}

export const metadataIndexName = (name: string) => indexName('ix_meta_', name)

/**
 * A DO block that leaves exactly one index of a kind on a table: among the indexes `candidates`
 * selects (`relname` and whatever `matches` reads), the first that `matches` is kept and renamed
 * to `wanted` (whatever vecs or an earlier vecpods called it), the others are dropped, and when
 * none matched `create` runs. Re-applying it changes nothing; adopting a vecs table leaves one index.
 */
function keepOneIndexSql(p: { table: string; wanted: string; candidates: string; matches?: string; create: string }): string {
  return `do $$
declare
  ix record;
  kept boolean := false;
begin
  for ix in
    ${p.candidates}
    order by c.relname = ${literal(p.wanted)} desc, c.relname
  loop
    if not kept${p.matches ? ` and ${p.matches}` : ''} then
      if ix.relname <> ${literal(p.wanted)} then
        execute format('alter index vecs.%I rename to %I', ix.relname, ${literal(p.wanted)});
      end if;
      kept := true;
    else
      execute format('drop index vecs.%I', ix.relname);
    end if;
  end loop;
  if not kept then
    ${p.create}
  end if;
end
$$;
`
}

/** The registry's vector index: one matching its method, indexed expression, operator class and parameters. */
function vectorIndexSql(name: string, table: string, col: Collection): string {
  const { index } = col
  const form = indexedForm(col)
  const on = form.expression === 'vec' ? `vec extensions.${form.opclass}` : `${form.expression} extensions.${form.opclass}`
  const wanted = vectorIndexName(name, col, index) ?? ''
  const option = (key: string, fallback: number) => `coalesce((select split_part(o, '=', 2) from unnest(ix.options) o where o like '${key}=%'), '${fallback}')`
  const params =
    index.method === 'hnsw'
      ? `ix.amname = 'hnsw' and ${option('m', 16)} = '${index.m}' and ${option('ef_construction', 64)} = '${index.efConstruction}'`
      : index.method === 'ivfflat'
        ? `ix.amname = 'ivfflat' and ${option('lists', 100)} = '${index.lists}'`
        : 'false'
  const create =
    index.method === 'hnsw'
      ? `create index ${ident(wanted)} on ${table} using hnsw (${on}) with (m = ${index.m}, ef_construction = ${index.efConstruction});`
      : index.method === 'ivfflat'
        ? `create index ${ident(wanted)} on ${table} using ivfflat (${on}) with (lists = ${index.lists});`
        : `null; -- no vector index: similarity search on "${name}" scans every row (exact results).`
  return keepOneIndexSql({
    table,
    wanted,
    candidates: `select c.relname, am.amname, op.opcname, coalesce(c.reloptions, '{}') as options, i.indkey[0] = 0 as expression
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_am am on am.oid = c.relam
    join pg_opclass op on op.oid = i.indclass[0]
    where i.indrelid = '${table}'::regclass and am.amname in ('hnsw', 'ivfflat')`,
    // The operator class tells vector, halfvec and bit apart; an index over an expression has no column (indkey 0).
    matches: `ix.opcname = ${literal(form.opclass)} and ix.expression = ${form.expression === 'vec' ? 'false' : 'true'} and ${params}`,
    create,
  })
}

/** The metadata index (GIN, jsonb_path_ops), vecs's `ix_meta_…` included. */
function metadataIndexSql(name: string, table: string): string {
  const wanted = metadataIndexName(name)
  return keepOneIndexSql({
    table,
    wanted,
    candidates: `select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = '${table}'::regclass and pg_get_indexdef(c.oid) like '%USING gin (metadata jsonb_path_ops)%'`,
    create: `create index ${ident(wanted)} on ${table} using gin (metadata jsonb_path_ops);`,
  })
}

/**
 * Whether a row belongs to the caller: its owner column holds the caller's claim. The claim is read
 * once per statement (an init plan), so the owner index applies and postgres_fdw ships it as a parameter.
 */
export function ownerCondition(owner: Owner, row = ''): string {
  const claim = `(select vecpods.claim(${literal(ownerClaimPath(owner))}))`
  const column = `${row}${ident(owner.column)}`
  return owner.many ? `${column} @> array[${claim}]` : `${column} = ${claim}`
}

const POLICIES = ['public_read', 'owner_read', 'owner_insert', 'owner_update', 'owner_delete'] as const

/**
 * Row-level security by access level: `public`, one read policy for anon and authenticated;
 * `owner`, read, insert, update and delete for authenticated, each on the caller's own rows;
 * `service`, none (service_role bypasses RLS). Policies of another level are dropped.
 */
function policiesSql(name: string, table: string, col: Collection): string {
  const drops = POLICIES.map((p) => `drop policy if exists ${ident(`${name}_${p}`)} on ${table};\n`).join('')
  if (col.access === 'public') return `${drops}create policy ${ident(`${name}_public_read`)} on ${table} for select to anon, authenticated using (true);\n`
  if (!col.owner) return `${drops}-- access "service": no policy for anon or authenticated; service_role bypasses RLS.\n`
  const mine = ownerCondition(col.owner)
  return `${drops}-- access "owner": a signed-in caller reads and writes only the rows its claim owns.
create policy ${ident(`${name}_owner_read`)} on ${table} for select to authenticated using (${mine});
create policy ${ident(`${name}_owner_insert`)} on ${table} for insert to authenticated with check (${mine});
create policy ${ident(`${name}_owner_update`)} on ${table} for update to authenticated using (${mine}) with check (${mine});
create policy ${ident(`${name}_owner_delete`)} on ${table} for delete to authenticated using (${mine});
`
}

/**
 * A table made with another storage is converted (`alter column … type`, rewriting the table; the
 * vector index, of the other type, is dropped first and built again below), and the catalog records
 * the storage and, for a binary-quantized collection, its re-rank factor.
 */
function storageSql(name: string, table: string, col: Collection): string {
  const type = storageType(col)
  return `do $$
declare
  ix record;
begin
  if (select format_type(a.atttypid, a.atttypmod) from pg_attribute a where a.attrelid = '${table}'::regclass and a.attname = 'vec')
     <> ${literal(type.replace('extensions.', ''))} then
    for ix in
      select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
      where i.indrelid = '${table}'::regclass and am.amname in ('hnsw', 'ivfflat')
    loop
      execute format('drop index vecs.%I', ix.relname);
    end loop;
    drop view if exists public.${ident(name)};
    alter table ${table} alter column vec type ${type} using vec::${type};
  end if;
end
$$;
`
}

/** The owner column (indexed: btree, or GIN for an array of owners) and its catalog entry. */
function ownerColumnSql(name: string, table: string, col: Collection): string {
  const o = col.owner
  if (!o) return `update vecpods.collections set owner_column = null, owner_claim = null, owner_many = false where name = ${literal(name)};\n`
  return `alter table ${table} add column if not exists ${ident(o.column)} ${o.many ? 'text[]' : 'text'};
create index if not exists ${ident(indexName('ix_owner_', name))} on ${table} using ${o.many ? 'gin' : 'btree'} (${ident(o.column)});
update vecpods.collections set owner_column = ${literal(o.column)}, owner_claim = ${literal(ownerClaimPath(o))}, owner_many = ${o.many} where name = ${literal(name)};
`
}

/**
 * One collection's objects: the vecs-compatible table, its vector and metadata indexes, the
 * catalog row, the `public.<name>` view (security_invoker) and grants and RLS by access level.
 */
export function collectionSql(name: string, col: Collection): string {
  const table = vecsTable(name)
  const view = `public.${ident(name)}`
  const columns = Object.entries(col.columns)
  const readers = col.access === 'public' ? 'anon, authenticated' : null
  const writers = col.access === 'owner' ? 'authenticated' : null

  const viewColumns = [
    'id',
    'vec as embedding',
    'metadata',
    ...columns.map(([field, type]) => `${columnExpression(field, type)} as ${ident(field)}`),
    ...(col.fullText ? ['fts', 'fts_len'] : []),
    ...(col.owner ? [ident(col.owner.column)] : []),
  ]
  const columnIndexes = columns
    .filter(([, type]) => type === 'text' || type === 'number')
    .map(([field, type]) => `create index if not exists ${ident(`${name}_${field}_idx`)} on ${table} ((${columnExpression(field, type)}));\n`)
    .join('')

  return `create table if not exists ${table} (
  id text primary key,
  vec ${storageType(col)} not null,
  metadata jsonb not null default '{}'::jsonb
);
${storageSql(name, table, col)}
${vectorIndexSql(name, table, col)}${metadataIndexSql(name, table)}${columnIndexes}
insert into vecpods.collections (name, dims, measure, storage, rerank)
values (${literal(name)}, ${col.dims}, ${literal(col.measure)}, ${literal(col.storage)}, ${col.quantization === 'binary' ? col.rerank : 'null'})
on conflict (name) do update set dims = excluded.dims, measure = excluded.measure, storage = excluded.storage, rerank = excluded.rerank;
${fullTextColumnSql(name, table, col)}${
  col.model
    ? `-- The registry declares the model of rows written outside vecpods.
update vecpods.collections set model = ${literal(col.model)}, filled_at = coalesce(filled_at, now()) where name = ${literal(name)} and model is distinct from ${literal(col.model)};
`
    : ''
}
${ownerColumnSql(name, table, col)}
alter table ${table} enable row level security;
${policiesSql(name, table, col)}drop policy if exists ${ident(`${name}_fdw_read`)} on ${table};
create policy ${ident(`${name}_fdw_read`)} on ${table} for select to vecpods_fdw using (true);
revoke all on ${table} from public, anon, authenticated, vecpods_fdw;
grant select, insert, update, delete on ${table} to service_role;
grant select on ${table} to vecpods_fdw;
${readers ? `grant select on ${table} to ${readers};\n` : ''}${writers ? `grant select, insert, update, delete on ${table} to ${writers};\n` : ''}
drop view if exists ${view};
create view ${view} with (security_invoker = true) as
select
  ${viewColumns.join(',\n  ')}
from ${table};
revoke all on ${view} from public, anon, authenticated, vecpods_fdw;
grant select, insert, update, delete on ${view} to service_role;
grant select on ${view} to vecpods_fdw;
${readers ? `grant select on ${view} to ${readers};\n` : ''}${writers ? `grant select on ${view} to ${writers};\n` : ''}`
}
