import { createHash } from 'node:crypto'
import type { VectorClient } from '@vecpods/sdk'
import type { Chunk } from './build.ts'

export interface SyncReport {
  collection: string
  total: number
  added: number
  changed: number
  removed: number
  unchanged: number
}

/** A text record as the seed writes it. */
export interface SeedRecord {
  id: string
  text: string
  metadata: Record<string, unknown>
}

export interface SyncOptions {
  /** Records per upsert request (default 200). */
  batchSize?: number
  /**
   * Writes (embeds and upserts) a collection's new and changed records, reporting progress; the
   * default goes through the edge function with the client. `pnpm seed` passes the bulk importer,
   * which writes straight to the pod and embeds outside the function.
   */
  write?: (collection: string, records: SeedRecord[], onProgress: (done: number) => void) => Promise<void>
  onStart?: (collection: string, toWrite: number) => void
  onProgress?: (collection: string, done: number) => void
}

/** A fingerprint of what a chunk stores, kept in its metadata so re-runs can skip it. */
export function fingerprint(chunk: Chunk): string {
  return createHash('sha256').update(chunk.text).update('\0').update(JSON.stringify(chunk.metadata)).digest('base64url').slice(0, 16)
}

/** The mark the seed puts in the metadata of every row it writes: it deletes only rows that carry it. */
export const SEED_MARK = { seed: 'vecpods-corpus' } as const

/** The ids and fingerprints of the seed's own rows in a collection, read page by page through PostgREST. */
async function stored(client: VectorClient, collection: string): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>()
  const page = 1000
  for (let from = 0; ; from += page) {
    const { data, error } = await client
      .from(collection)
      .select('id, hash:metadata->>hash')
      .contains('metadata', SEED_MARK)
      .order('id')
      .range(from, from + page - 1)
    if (error) throw new Error(`reading ${collection}: ${error.message}`)
    const rows = data as unknown as Array<{ id: string; hash: string | null }>
    for (const r of rows) out.set(r.id, r.hash)
    if (rows.length < page) return out
  }
}

/**
 * Makes the seed's rows of each collection exactly the given chunks: upserts new and changed ones
 * through the edge function (embedded there, in batches, one transaction each), deletes its own
 * rows no longer in the corpus, and leaves the rest alone — a second run writes nothing, and rows
 * the seed did not write (no `SEED_MARK` in their metadata) are never touched.
 */
export async function syncCorpus(client: VectorClient, chunks: Chunk[], options: SyncOptions = {}): Promise<SyncReport[]> {
  const reports: SyncReport[] = []
  for (const collection of [...new Set(chunks.map((c) => c.collection))]) {
    const wanted = chunks.filter((c) => c.collection === collection).map((c) => ({ ...c, metadata: { ...c.metadata, ...SEED_MARK, hash: fingerprint(c) } }))
    const have = await stored(client, collection)
    const write = wanted.filter((c) => have.get(c.id) !== c.metadata.hash)
    const keep = new Set(wanted.map((c) => c.id))
    const remove = [...have.keys()].filter((id) => !keep.has(id))
    options.onStart?.(collection, write.length)
    if (write.length) {
      const records = write.map((c) => ({ id: c.id, text: c.text, metadata: c.metadata }))
      const progress = (done: number) => options.onProgress?.(collection, done)
      if (options.write) await options.write(collection, records, progress)
      else {
        const { error } = await client.upsert(collection, records, { batchSize: options.batchSize ?? 200, onProgress: (p) => progress(p.done) })
        if (error) throw error
      }
    }
    for (let i = 0; i < remove.length; i += 1000) {
      const { error } = await client.delete(collection, { ids: remove.slice(i, i + 1000) })
      if (error) throw error
    }
    const added = write.filter((c) => !have.has(c.id)).length
    reports.push({ collection, total: wanted.length, added, changed: write.length - added, removed: remove.length, unchanged: wanted.length - write.length })
  }
  return reports
}
