import { collectionSql, foreignTableSql, generate, serverName, writeGenerated } from '@vecpods/codegen'
import { type Collection, PRIMARY, parseRegistry, type Registry, vecsTable } from '@vecpods/registry'
import { updateDeclaration } from '@vecpods/registry/node'
import postgres from 'postgres'
import {
  count,
  dropCollection,
  dropVectorIndex,
  fingerprint,
  initialCopyDone,
  lagBytes,
  pauseWrites,
  publish,
  resumeWrites,
  subscribe,
  unsubscribe,
} from './sql.ts'

/** A move's phases, in order; the primary's `vecpods.moves` records the last one reached. */
export const PHASES = ['prepared', 'copying', 'caught_up', 'paused', 'verified', 'switched'] as const
export type Phase = (typeof PHASES)[number]

export interface MoveContext {
  /** The registry with its overlays applied. */
  registry: Registry
  /** The files that declare collections (the shipped registry first): a move rewrites the one declaring its collection. */
  registryFiles: string[]
  /** The repository root, where `pnpm gen`'s files are rewritten after a shipped collection moves. */
  root: string
  /** Database URL (superuser) of the primary or a pod. */
  dbUrl(project: string): string
  log?: (line: string) => void
}

export interface MoveProgress {
  phase: Phase
  /** Rows on the target / on the source while the initial copy runs. */
  copied?: number
  total?: number
  /** WAL bytes the target has not confirmed. */
  lagBytes?: number
}

export interface MoveOptions {
  collection: string
  to: string
  /** Stop once this phase is reached (tests, and a cautious operator); a re-run continues. */
  stopAfter?: Phase
  /** Lag below which the writes pause for the switch (default 1 MiB). */
  maxLagBytes?: number
  onProgress?: (p: MoveProgress) => void
}

export interface MoveResult {
  collection: string
  source: string
  target: string
  phase: Phase
  rows?: number
  checksum?: string
  /** The initial copy: rows and time. */
  copy?: { rows: number; ms: number }
  /** The vector index build on the target after the copy. */
  indexBuildMs?: number
  /** From the index built to the lag under the bound, and the lag then (WAL bytes). */
  catchUp?: { lagBytes: number; ms: number }
  /** From the writes being refused on the source to the placement switch (edges follow within their placement interval). */
  pauseMs?: number
}

interface MoveRow {
  source: string
  target: string
  phase: Phase | 'started'
  paused_at: Date | null
}

/** One connection to the primary or a pod: a move's statements run one at a time. */
const connect = (ctx: MoveContext, project: string) => postgres(ctx.dbUrl(project), { max: 1, onnotice: () => {} })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const reached = (row: MoveRow, phase: Phase) => row.phase !== 'started' && PHASES.indexOf(row.phase) >= PHASES.indexOf(phase)

/**
 * Moves a collection to another pod while it serves: creates it on the target (its generated
 * SQL, the same model record), copies and streams its rows with logical replication (a
 * publication on the source, a subscription on the target), and once the target has caught up
 * refuses writes on the source for a moment, checks rows and a checksum on both sides, switches
 * the primary's placement catalog (edges follow) and its foreign table, and records the new pod in
 * the registry. The source copy stays until `finishMove`; `abortMove` undoes any phase before the
 * switch. Each phase is recorded on the primary, so a re-run continues where it stopped.
 */
export async function moveCollection(ctx: MoveContext, options: MoveOptions): Promise<MoveResult> {
  const { collection, to } = options
  const log = ctx.log ?? (() => {})
  const col = ctx.registry.collections[collection]
  if (!col) throw new Error(`no collection "${collection}" in the registry`)
  if (col.pod === PRIMARY) throw new Error(`"${collection}" lives in the primary database, not on a pod`)
  if (!Object.hasOwn(ctx.registry.pods, to)) throw new Error(`no pod "${to}" in the registry (pods: ${Object.keys(ctx.registry.pods).join(', ')})`)
  const primary = connect(ctx, PRIMARY)
  try {
    const [placed] = await primary<{ pod: string }[]>`select pod from vecpods.placements where collection = ${collection}`
    let row = (await primary<MoveRow[]>`select source, target, phase, paused_at from vecpods.moves where collection = ${collection}`)[0]
    if (row && row.target !== to) throw new Error(`a move of "${collection}" to ${row.target} is in progress: finish or abort it first`)
    const source = row?.source ?? placed?.pod ?? col.pod
    if (!row && source === to) throw new Error(`"${collection}" is already on ${to}`)
    if (col.onPrimary === 'foreign_table') {
      const [server] = await primary`select 1 from pg_user_mappings where srvname = ${serverName(to)}`
      if (!server) throw new Error(`the primary has no postgres_fdw server for ${to}: connect it first (the local stack does when a collection is on it)`)
    }
    if (!row) {
      await primary`insert into vecpods.moves (collection, source, target, phase) values (${collection}, ${source}, ${to}, 'started')`
      row = { source, target: to, phase: 'started', paused_at: null }
    }
    const result: MoveResult = { collection, source, target: to, phase: row.phase === 'started' ? 'prepared' : row.phase }
    const src = connect(ctx, source)
    const dst = connect(ctx, to)
    const advance = async (phase: Phase, extra: { paused_at?: Date; pause_ms?: number } = {}) => {
      await primary`update vecpods.moves set phase = ${phase}, updated_at = now(), paused_at = coalesce(${extra.paused_at ?? null}::timestamptz, paused_at), pause_ms = coalesce(${extra.pause_ms ?? null}::float8, pause_ms) where collection = ${collection}`
      row = { ...row!, phase, paused_at: extra.paused_at ?? row!.paused_at }
      result.phase = phase
      log(`move ${collection}: ${phase}`)
      options.onProgress?.({ phase })
      return options.stopAfter === phase
    }
    try {
      if (!reached(row, 'prepared')) {
        // The collection on the target, as its pod's migration would create it, empty, with the source's model.
        await dst.unsafe(collectionSql(collection, { ...col, pod: to }))
        await dst.unsafe(`delete from ${vecsTable(collection)}`)
        // The initial copy inserts every row: without the vector index, then one index build (as the importer loads).
        await dropVectorIndex(dst, collection)
        const [model] = await src<{ model: string | null }[]>`select model from vecpods.collections where name = ${collection}`
        await dst`update vecpods.collections set model = ${model?.model ?? null}, filled_at = now() where name = ${collection}`
        if (await advance('prepared')) return result
      }
      if (!reached(row, 'copying')) {
        await publish(src, collection)
        await subscribe(dst, collection, ctx.dbUrl(source))
        if (await advance('copying')) return result
      }
      if (!reached(row, 'caught_up')) {
        const started = performance.now()
        const total = await count(src, collection)
        while (!(await initialCopyDone(dst, collection))) {
          options.onProgress?.({ phase: 'copying', copied: await count(dst, collection), total })
          await sleep(250)
        }
        const copied = await count(dst, collection)
        result.copy = { rows: copied, ms: performance.now() - started }
        log(`move ${collection}: copied ${copied} rows in ${(result.copy.ms / 1000).toFixed(1)} s; building the vector index on ${to}`)
        // The collection's SQL again: it builds the missing index (changes stream in meanwhile and wait for the build).
        const built = performance.now()
        await dst.begin(async (tx) => {
          await tx.unsafe(`set local maintenance_work_mem = '1GB'`)
          await tx.unsafe(collectionSql(collection, { ...col, pod: to }))
        })
        result.indexBuildMs = performance.now() - built
        const catchUp = performance.now()
        for (;;) {
          const lag = await lagBytes(src, collection)
          options.onProgress?.({ phase: 'copying', lagBytes: lag ?? 0 })
          if (lag !== null && lag <= (options.maxLagBytes ?? 1024 * 1024)) {
            result.catchUp = { lagBytes: lag, ms: performance.now() - catchUp }
            break
          }
          await sleep(100)
        }
        if (await advance('caught_up')) return result
      }
      if (!reached(row, 'paused')) {
        await pauseWrites(src, collection)
        if (await advance('paused', { paused_at: new Date() })) return result
      }
      if (!reached(row, 'verified')) {
        // The source takes no writes now: the target matches once it has applied the last of them.
        const deadline = Date.now() + 60_000
        for (;;) {
          const [a, b] = await Promise.all([fingerprint(src, collection), fingerprint(dst, collection)])
          options.onProgress?.({ phase: 'paused', copied: b.rows, total: a.rows })
          if (a.rows === b.rows && a.checksum === b.checksum) {
            Object.assign(result, { rows: a.rows, checksum: a.checksum })
            break
          }
          if (Date.now() > deadline) throw new Error(`the target does not match the source after 60 s (${b.rows} / ${a.rows} rows): abort the move`)
          await sleep(50)
        }
        if (await advance('verified')) return result
      }
      if (!reached(row, 'switched')) {
        // Replication applies rows without firing the target's statement triggers: BM25's
        // statistics are rebuilt there before any search can read them.
        if (col.fullText) await dst`select vecpods.refresh_text_stats(${collection})`
        const moved: Collection = { ...col, pod: to }
        if (col.onPrimary === 'foreign_table') {
          await primary.unsafe(foreignTableSql(collection, moved))
          await primary.unsafe(`analyze public."${collection}"`)
        }
        await primary`
          insert into vecpods.placements (collection, pod) values (${collection}, ${to})
          on conflict (collection) do update set pod = excluded.pod, updated_at = now()`
        const pauseMs = row.paused_at ? Date.now() - row.paused_at.getTime() : undefined
        await unsubscribe(dst, src, collection)
        recordPlacement(ctx, collection, to)
        await advance('switched', pauseMs === undefined ? {} : { pause_ms: pauseMs })
        if (pauseMs !== undefined) result.pauseMs = pauseMs
        log(`move ${collection}: now served by ${to}; the copy on ${source} stays until --finish`)
      }
      return result
    } finally {
      await Promise.all([src.end(), dst.end()])
    }
  } finally {
    await primary.end()
  }
}

/**
 * Edges read the placement every `VECPODS_PLACEMENT_TTL_MS` (2 s by default); until then one may
 * still read the source copy, so it is dropped no sooner than this after the switch.
 */
export const FINISH_GRACE_MS = 5000

/** After the switch: drops the source copy and the move's record. */
export async function finishMove(ctx: MoveContext, collection: string): Promise<{ source: string; target: string }> {
  const primary = connect(ctx, PRIMARY)
  try {
    const [row] = await primary<(MoveRow & { since_ms: number })[]>`
      select source, target, phase, paused_at, extract(epoch from now() - updated_at) * 1000 as since_ms from vecpods.moves where collection = ${collection}`
    if (!row) throw new Error(`no move of "${collection}" in progress`)
    if (row.phase !== 'switched') throw new Error(`the move of "${collection}" is at "${row.phase}": run it to the switch first, or abort it`)
    if (row.since_ms < FINISH_GRACE_MS) await sleep(FINISH_GRACE_MS - row.since_ms)
    const src = connect(ctx, row.source)
    const dst = connect(ctx, row.target)
    try {
      await unsubscribe(dst, src, collection)
      await dropCollection(src, collection)
    } finally {
      await Promise.all([src.end(), dst.end()])
    }
    await primary`delete from vecpods.moves where collection = ${collection}`
    return { source: row.source, target: row.target }
  } finally {
    await primary.end()
  }
}

/**
 * Undoes a move that has not switched: replication stopped, the target's copy dropped, writes on
 * the source resumed, the record deleted. After the switch the target has taken writes, so
 * undoing is a move back instead.
 */
export async function abortMove(ctx: MoveContext, collection: string): Promise<{ phase: string } | undefined> {
  const primary = connect(ctx, PRIMARY)
  try {
    const [row] = await primary<MoveRow[]>`select source, target, phase, paused_at from vecpods.moves where collection = ${collection}`
    if (!row) return undefined
    if (row.phase === 'switched') {
      throw new Error(`"${collection}" already switched to ${row.target} and takes writes there: move it back with --to ${row.source}, or --finish`)
    }
    const src = connect(ctx, row.source)
    const dst = connect(ctx, row.target)
    try {
      await unsubscribe(dst, src, collection)
      await dropCollection(dst, collection)
      await resumeWrites(src, collection)
    } finally {
      await Promise.all([src.end(), dst.end()])
    }
    await primary`delete from vecpods.moves where collection = ${collection}`
    return { phase: row.phase }
  } finally {
    await primary.end()
  }
}

export async function moveStatus(ctx: MoveContext, collection: string) {
  const primary = connect(ctx, PRIMARY)
  try {
    const [move] = await primary`select source, target, phase, started_at, updated_at, pause_ms from vecpods.moves where collection = ${collection}`
    const [placed] = await primary<{ pod: string }[]>`select pod from vecpods.placements where collection = ${collection}`
    return { placement: placed?.pod ?? ctx.registry.collections[collection]?.pod, move }
  } finally {
    await primary.end()
  }
}

/**
 * The registry stays the declaration of record: the file declaring the collection gets its new
 * pod, and a shipped collection's generated files are rewritten (`pnpm gen --check` passes).
 */
function recordPlacement(ctx: MoveContext, collection: string, pod: string): void {
  const updated = updateDeclaration(ctx.registryFiles, collection, { pod })
  if (updated && updated.file === ctx.registryFiles[0]) writeGenerated(ctx.root, generate(parseRegistry(updated.json)))
}
