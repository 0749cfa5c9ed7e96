// vecs finds a collection's vector index by name (the `ix_vector` prefix and the operator class in
// it). vecpods names its indexes that way, and adopting a table vecs created — with vecs's own
// index names — leaves exactly one vector index and one metadata index.
import { collectionSql } from '@vecpods/codegen'
import { parseRegistry } from '@vecpods/registry'
import { afterAll, describe, expect, it } from 'vitest'
import { adminSql, stackEndpoints, stackOptions } from '../../src/index.ts'

const opts = stackOptions(process.env, () => {})
const name = `adopt_${Date.now().toString(36)}`
const registry = parseRegistry({
  model: { id: 'Supabase/gte-small', dims: 384 },
  pods: { pod_a: {} },
  collections: { [name]: { pod: 'pod_a', dims: 384, measure: 'cosine', index: { method: 'hnsw', m: 16, efConstruction: 64 } } },
})
const podSql = async () => adminSql((await stackEndpoints(opts)).find((e) => e.project === 'pod_a')!.dbUrl)

const indexes = async (sql: ReturnType<typeof adminSql>) =>
  (
    await sql<
      { indexname: string; indexdef: string }[]
    >`select indexname, indexdef from pg_indexes where schemaname = 'vecs' and tablename = ${name} order by indexname`
  ).map((r) => `${r.indexname}: ${/USING (\w+ \([^)]*\))/.exec(r.indexdef)![1]}`)

afterAll(async () => {
  const sql = await podSql()
  await sql
    .unsafe(`drop view if exists public."${name}"; drop table if exists vecs."${name}"; delete from vecpods.collections where name = '${name}'`)
    .finally(() => sql.end())
})

describe('indexes vecs recognises', () => {
  it('adopting a table vecs created leaves one vector index and one metadata index, named as vecs expects', async () => {
    const sql = await podSql()
    try {
      // The table and indexes as vecs creates them (`create_index(method=hnsw)` and its metadata index).
      await sql.unsafe(`
        create table vecs."${name}" (id text primary key, vec extensions.vector(384) not null, metadata jsonb not null default '{}'::jsonb);
        create index "ix_vector_cosine_ops_hnsw_m16_efc64_3f2a9c1d" on vecs."${name}" using hnsw (vec extensions.vector_cosine_ops) with (m=16, ef_construction=64);
        create index "ix_meta_3f2a9c1d" on vecs."${name}" using gin (metadata jsonb_path_ops);
        insert into vecs."${name}" (id, vec, metadata) select 'v' || i, array_fill(i::float4, array[384])::extensions.vector, '{}' from generate_series(1, 5) i;`)
      const ddl = collectionSql(name, registry.collections[name]!)
      await sql.unsafe(ddl)
      await sql.unsafe(ddl) // re-applying changes nothing
      expect((await indexes(sql)).sort()).toEqual(
        [
          `ix_meta_${name}: gin (metadata jsonb_path_ops)`,
          `ix_vector_cosine_ops_hnsw_m16_efc64_${name}: hnsw (vec vector_cosine_ops)`,
          `${name}_pkey: btree (id)`,
        ].sort(),
      )
      // vecs's own lookup: an index in schema vecs named ix_vector…, the measure's operator class in the name.
      const [found] =
        await sql`select relname from pg_class where relnamespace = 'vecs'::regnamespace and relkind = 'i' and relname ilike 'ix_vector%' and relname like ${`%_${name}`}`
      expect(found!.relname).toContain('vector_cosine_ops')
      expect((await sql`select count(*)::int as n from vecs.${sql(name)}`)[0]!.n).toBe(5)
    } finally {
      await sql.end()
    }
  })

  it('replaces an index whose parameters differ from the registry’s', async () => {
    const sql = await podSql()
    try {
      await sql.unsafe(
        `drop index vecs."ix_vector_cosine_ops_hnsw_m16_efc64_${name}"; create index "ix_vector_l2_ops_ivfflat_nl10_x" on vecs."${name}" using ivfflat (vec extensions.vector_l2_ops) with (lists = 10);`,
      )
      await sql.unsafe(collectionSql(name, registry.collections[name]!))
      expect((await indexes(sql)).filter((i) => i.startsWith('ix_vector'))).toEqual([
        `ix_vector_cosine_ops_hnsw_m16_efc64_${name}: hnsw (vec vector_cosine_ops)`,
      ])
    } finally {
      await sql.end()
    }
  })

  it('refuses to stamp a model onto rows written outside vecpods, until the registry declares it', async () => {
    const sql = await podSql()
    const upsert = (model: string) =>
      sql
        .unsafe(`select vecpods.upsert($1, $2, $3::jsonb) as n`, [
          name,
          model,
          [{ id: 'new', vec: `[${Array(384).fill(0.5).join(',')}]`, metadata: {} }],
        ] as never)
        .then(() => 'ok')
        .catch((e: { code?: string; message: string }) => `${e.code}: ${e.message}`)
    try {
      expect(await upsert('vecpods/lexical-384')).toMatch(/^VPM01: collection "adopt_\w+" has rows but no recorded model/)
      const declared = parseRegistry({
        ...registry,
        collections: { [name]: { ...registry.collections[name]!, model: 'Supabase/gte-small' } },
      })
      await sql.unsafe(collectionSql(name, declared.collections[name]!))
      expect(await upsert('vecpods/lexical-384')).toMatch(/^VPM01: collection "adopt_\w+" holds "Supabase\/gte-small" embeddings/)
      expect(await upsert('Supabase/gte-small')).toBe('ok')
    } finally {
      await sql.end()
    }
  })
})
