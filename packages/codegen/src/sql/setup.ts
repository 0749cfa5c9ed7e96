/** Minimum pgvector version: 0.8 brings HNSW iterative index scans, which filtered search relies on. */
export const PGVECTOR_MIN = [0, 8, 0] as const

/**
 * The first migration of every project (the primary and each pod): pgvector in schema
 * `extensions` as Supabase installs it, the `vecs` schema for collection tables, and the
 * `vecpods.collections` catalog that records each collection's dims, measure and model.
 */
export function setupSql(): string {
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
grant usage on schema vecpods to service_role;

-- One row per collection: its shape, and the embedding model that filled it (set by the first
-- write, then enforced, so vectors from two models are never mixed in one collection).
create table if not exists vecpods.collections (
  name text primary key,
  dims integer not null check (dims > 0),
  measure text not null check (measure in ('cosine', 'l2', 'inner_product')),
  model text,
  filled_at timestamptz
);
revoke all on vecpods.collections from public, anon, authenticated;
grant select, insert, update, delete on vecpods.collections to service_role;
`
}
