import { quoteIdent, vecsTable } from '@vecpods/registry'
import type postgres from 'postgres'

/** Names of a move's replication objects, from the collection's name. */
export const replicationName = (collection: string) => `vecpods_move_${collection}`

/**
 * Rows and an order-independent checksum of ids, vectors, metadata and owners (collections with
 * owners): the sum of a 60-bit slice of each row's md5 (over the vector's binary form, which is 3×
 * faster than its text). Equal on both sides means the same rows with the same contents.
 */
export async function fingerprint(sql: postgres.Sql, collection: string): Promise<{ rows: number; checksum: string }> {
  const [catalog] = await sql<{ owner_column: string | null }[]>`select owner_column from vecpods.collections where name = ${collection}`
  const owner = catalog?.owner_column ? ` || coalesce(${quoteIdent(catalog.owner_column)}::text, '') || ':'` : ''
  const [row] = await sql.unsafe<{ rows: string; checksum: string }[]>(
    `select count(*)::text as rows,
       coalesce(sum(('x' || left(md5(convert_to(id || ':' || metadata::text || ':'${owner}, 'UTF8') || extensions.vector_send(vec::extensions.vector)), 15))::bit(60)::bigint), 0)::text as checksum
     from ${vecsTable(collection)}`,
  )
  return { rows: Number(row!.rows), checksum: row!.checksum }
}

export async function count(sql: postgres.Sql, collection: string): Promise<number> {
  const [row] = await sql.unsafe<{ n: string }[]>(`select count(*)::text as n from ${vecsTable(collection)}`)
  return Number(row!.n)
}

/** The publication of the collection's table on the source (once). */
export async function publish(source: postgres.Sql, collection: string): Promise<void> {
  const name = replicationName(collection)
  const [exists] = await source`select 1 from pg_publication where pubname = ${name}`
  if (!exists) await source.unsafe(`create publication ${quoteIdent(name)} for table ${vecsTable(collection)}`)
}

/** The subscription on the target (once): copies the rows, then streams changes. */
export async function subscribe(target: postgres.Sql, collection: string, sourceUrl: string): Promise<void> {
  const name = replicationName(collection)
  const [exists] = await target`select 1 from pg_subscription where subname = ${name}`
  if (exists) return
  const conninfo = sourceUrl.replaceAll("'", "''")
  await target.unsafe(`create subscription ${quoteIdent(name)} connection '${conninfo}' publication ${quoteIdent(name)} with (slot_name = '${name}')`)
}

/** Whether the subscription's initial copy of the table is done (state ready or synchronised). */
export async function initialCopyDone(target: postgres.Sql, collection: string): Promise<boolean> {
  const rows = await target<{ state: string }[]>`
    select r.srsubstate as state from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid where s.subname = ${replicationName(collection)}`
  return rows.length > 0 && rows.every((r) => r.state === 'r' || r.state === 's')
}

/** Bytes of WAL the subscriber has not confirmed yet (null when the slot is gone). */
export async function lagBytes(source: postgres.Sql, collection: string): Promise<number | null> {
  const [row] = await source<{ lag: string | null }[]>`
    select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text as lag from pg_replication_slots where slot_name = ${replicationName(collection)}`
  return row?.lag == null ? null : Number(row.lag)
}

/** Writes to the source table refused (VPW01 → 503 with Retry-After at the edge) while the move switches. */
export async function pauseWrites(source: postgres.Sql, collection: string): Promise<void> {
  const [exists] = await source`select 1 from pg_trigger where tgname = 'vecpods_move_pause' and tgrelid = ${vecsTable(collection)}::regclass`
  if (!exists) {
    await source.unsafe(
      `create trigger vecpods_move_pause before insert or update or delete or truncate on ${vecsTable(collection)} for each statement execute function vecpods.refuse_writes()`,
    )
  }
}

export async function resumeWrites(source: postgres.Sql, collection: string): Promise<void> {
  const [table] = await source`select to_regclass(${vecsTable(collection)}) as t`
  if (table?.t) await source.unsafe(`drop trigger if exists vecpods_move_pause on ${vecsTable(collection)}`)
}

/** Stops replication: the subscription (and with it the slot on the source), then the publication. */
export async function unsubscribe(target: postgres.Sql, source: postgres.Sql, collection: string): Promise<void> {
  const name = replicationName(collection)
  const [exists] = await target`select 1 from pg_subscription where subname = ${name}`
  if (exists) await target.unsafe(`drop subscription ${quoteIdent(name)}`)
  // A slot left behind (the subscription could not reach the source when dropped) holds WAL forever.
  await source`select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ${name} and not active`
  await source.unsafe(`drop publication if exists ${quoteIdent(name)}`)
}

/** Removes a collection's table, view and catalog row from one pod. */
export async function dropCollection(sql: postgres.Sql, collection: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx.unsafe(`drop view if exists public.${quoteIdent(collection)}`)
    await tx.unsafe(`drop table if exists ${vecsTable(collection)}`)
    await tx`delete from vecpods.collections where name = ${collection}`
  })
}

/** Drops the collection's HNSW or IVFFlat index (the collection's SQL builds it again). */
export async function dropVectorIndex(sql: postgres.Sql, collection: string): Promise<void> {
  const rows = await sql<{ name: string }[]>`
    select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
    where i.indrelid = ${vecsTable(collection)}::regclass and am.amname in ('hnsw', 'ivfflat')`
  for (const r of rows) await sql.unsafe(`drop index ${vecsTable(r.name)}`)
}
