import { createHash } from 'node:crypto'
import { appendFileSync, createReadStream, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { type Collection, quoteIdent, vecsTable } from '@vecpods/registry'
import postgres from 'postgres'
import { COPY_HEADER, COPY_TRAILER, copyRow } from './copy.ts'
import { chooseIndexPath, type IndexChoice, type LiveProbe, type SampleBuild, timeSampleBuild } from './index-choice.ts'
import { type Format, readLines } from './records.ts'
import { type ImportRecord, validateRecord } from './validate.ts'

export interface ImportProgress {
  phase: 'loading' | 'indexing'
  /** Lines read (loading) or index build progress (indexing), out of `total`. */
  done: number
  total: number
  rows: number
  rejected: number
  /** Index build phase as PostgreSQL reports it (pg_stat_progress_create_index). */
  detail?: string
}

export interface ImportOptions {
  file: string
  format?: Format
  collection: string
  col: Collection
  /** The pod's database, as a superuser or the service role's owner. */
  dbUrl: string
  /** The model of the vectors: given ones come from it, text is embedded with it. */
  model: string
  /** Embeds text records (required when the file has any). */
  embed?: (texts: string[]) => Promise<number[][]>
  /** Records per transaction (default 2,000). */
  batchSize?: number
  /**
   * Connections writing batches at once when the vector index stays in place (default 2): each
   * row's HNSW insert searches the graph, which one connection does on one CPU. Batches that share
   * an id are never in flight together, so a later line still wins. Loads that drop the index
   * write on one connection (COPY is not the bottleneck there).
   */
  writers?: number
  /**
   * Drop the vector index for the load and build it after: `auto` (default) decides for loads of
   * `rebuildThreshold` lines or more, or always / never. Into an empty collection, `auto` builds
   * after the load; into a populated one it measures both ways (the first batches written into the
   * live index, a build of the index over a sample of the collection) and takes the cheaper.
   */
  rebuildIndex?: 'auto' | 'always' | 'never'
  /** Lines below which `auto` keeps the index without measuring (default 20,000). */
  rebuildThreshold?: number
  /** For the index build (default '1GB'). */
  maintenanceWorkMem?: string
  /** Parallel workers for the index build (default 2). */
  parallelWorkers?: number
  /** Where progress is kept for a resume (default `<file>.import-state.json`). */
  statePath?: string
  /** Where bad lines go (default `<file>.rejects.ndjson`). */
  rejectsPath?: string
  onProgress?: (p: ImportProgress) => void
  /** Told what the person running the import should know before a long step (the index build not fitting its memory, say). */
  onNotice?: (line: string) => void
  /** Told once a batch is committed (tests interrupt an import here). */
  onCommit?: (line: number) => void
}

export interface ImportResult {
  rows: number
  rejected: number
  /** Lines skipped because an earlier, interrupted run had committed them. */
  resumedFromLine: number
  indexRebuilt: boolean
  /** When `auto` measured which way to load into a populated collection: the figures and the choice. */
  indexChoice?: IndexChoice
  /** Connections that wrote batches. */
  writers: number
  ms: number
}

/** What an import did, as lines for a person (both import commands print them). */
export function importSummary(result: ImportResult, file: string): string[] {
  return [
    ...(result.resumedFromLine ? [`  resumed after line ${result.resumedFromLine} (an earlier run had committed it)`] : []),
    ...(result.indexChoice ? [result.indexChoice.line] : []),
    `  ${result.rows} rows written, ${result.rejected} lines rejected${result.rejected ? ` (see ${file}.rejects.ndjson)` : ''}`,
    ...(result.indexRebuilt
      ? ['  vector index dropped for the load, then rebuilt']
      : [`  written into the live vector index on ${result.writers} connection${result.writers > 1 ? 's' : ''}`]),
  ]
}

/** What a resume needs: which file (by content), how far it got, and the index it dropped. */
interface ImportState {
  file: string
  sha256: string
  collection: string
  model: string
  committedLine: number
  rows: number
  rejected: number
  indexDdl?: string
}

async function fileFacts(file: string): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256')
  let lines = 0
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    for (const byte of chunk) if (byte === 10) lines++
  }
  return { sha256: hash.digest('hex'), lines }
}

function saveState(path: string, state: ImportState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2))
  renameSync(`${path}.tmp`, path)
}

/**
 * Loads a file of records into a collection, straight to its pod: records are validated (bad lines
 * go to the rejects file with their line and reason), text is embedded with `embed`, and each
 * batch is copied (COPY) into a staging table and merged with upsert semantics in one transaction,
 * so a re-run is idempotent. Progress is saved after every batch: an interrupted import run again
 * continues after the last committed line. Large loads drop the vector index first and build it
 * at the end, with its progress read from `pg_stat_progress_create_index`.
 */
export async function importFile(options: ImportOptions): Promise<ImportResult> {
  const started = performance.now()
  const { file, collection, col, model } = options
  const statePath = options.statePath ?? `${file}.import-state.json`
  const rejectsPath = options.rejectsPath ?? `${file}.rejects.ndjson`
  const batchSize = options.batchSize ?? 2000
  const facts = await fileFacts(file)
  const previous = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as ImportState) : undefined
  const resumed = previous && previous.sha256 === facts.sha256 && previous.collection === collection && previous.model === model ? previous : undefined
  const state: ImportState = resumed ?? { file, sha256: facts.sha256, collection, model, committedLine: 0, rows: 0, rejected: 0 }
  if (!resumed) writeFileSync(rejectsPath, '')

  const table = vecsTable(collection)
  // One connection for the catalog and the index build, one to watch the build, and the writers'
  // (each with its own staging table, which is per connection).
  const sql = postgres(options.dbUrl, { max: 1, onnotice: () => {} })
  const watch = postgres(options.dbUrl, { max: 1, onnotice: () => {} })
  // Each writer is a client of one connection: its staging table lives as long as the connection.
  const reserved: postgres.Sql[] = []
  try {
    const [catalog] = await sql<{ model: string | null }[]>`select model from vecpods.collections where name = ${collection}`
    if (!catalog) throw new Error(`collection "${collection}" is not on this pod: apply its migrations`)
    const [{ rows: existing, empty }] = (await sql.unsafe(
      `select (select reltuples::bigint from pg_class where oid = '${table}'::regclass) as rows, not exists (select from ${table}) as empty`,
    )) as unknown as [{ rows: number; empty: boolean }]
    if (catalog.model && catalog.model !== model) throw new Error(`collection "${collection}" holds "${catalog.model}" embeddings, not "${model}"`)
    if (!catalog.model && !empty) {
      throw new Error(`collection "${collection}" has rows but no recorded model: declare it in the registry (collections.${collection}.model) first`)
    }

    const [index] = await sql<{ indexname: string; indexdef: string }[]>`
      select indexname, indexdef from pg_indexes
      where schemaname = 'vecs' and tablename = ${collection} and (indexdef like '%USING hnsw%' or indexdef like '%USING ivfflat%')`
    const large = facts.lines - state.committedLine >= (options.rebuildThreshold ?? 20_000)
    const auto = (options.rebuildIndex ?? 'auto') === 'auto'
    const rebuild = state.indexDdl !== undefined || options.rebuildIndex === 'always' || (auto && large && empty)
    /** Drops the index (remembered first, so that a resumed run still builds it). */
    const dropIndex = async () => {
      state.indexDdl = index!.indexdef
      saveState(statePath, state)
      await sql.unsafe(`drop index ${vecsTable(index!.indexname)}`)
    }
    if (rebuild && state.indexDdl === undefined && index) await dropIndex()
    // Into a populated collection, auto measures both ways before it chooses: a build over a
    // sample now, the live inserts on the first batches of the load.
    const settings = { maintenanceWorkMem: options.maintenanceWorkMem ?? '1GB', parallelWorkers: options.parallelWorkers ?? 2 }
    let sample: SampleBuild | undefined
    if (auto && large && !empty && index && state.indexDdl === undefined) sample = await timeSampleBuild(sql, collection, index.indexdef, 10_000, settings)
    let indexChoice: IndexChoice | undefined

    // A collection with owners loads through the staging table, which carries each row's owner.
    const owner = col.owner
    const writers = state.indexDdl === undefined ? Math.max(1, Math.min(16, Math.trunc(options.writers ?? 2))) : 1
    for (let i = 0; i < writers; i++) {
      const conn = postgres(options.dbUrl, { max: 1, onnotice: () => {} })
      reserved.push(conn)
      await conn.unsafe(
        `create temp table if not exists vecpods_import_stage (ord integer, id text, vec extensions.vector, metadata jsonb${owner ? ', owner jsonb' : ''})`,
      )
    }
    const idle = [...reserved]
    // Into a collection that was empty when a fresh import began, rows are copied straight in, as
    // long as no id repeats (a repeat, in a batch or across batches, goes through the merge).
    // COPY writes pgvector's binary form of `vector`: a halfvec table loads through the staging table too.
    const direct = empty && !resumed && !owner && col.storage === 'vector'
    const seen = new Set<string>()
    const progress = (done: number) => options.onProgress?.({ phase: 'loading', done, total: facts.lines, rows: state.rows, rejected: state.rejected })

    /** While auto measures: what the first batches' merges into the live index cost. */
    let probe: LiveProbe | undefined = sample ? { rows: 0, indexMs: 0, writers } : undefined
    let batch: Array<{ line: number; record: ImportRecord }> = []
    let rejects: string[] = []
    let lastLine = state.committedLine
    /** Writes one batch in one transaction on a writer's connection. */
    const write = async (conn: postgres.Sql, batch: Array<{ line: number; record: ImportRecord }>) => {
      const texts = batch.filter((b) => b.record.text !== undefined)
      if (texts.length) {
        if (!options.embed) throw new Error('the file has text records but no embedder was given')
        // Slices of 64 texts, spread over the embedder's workers.
        const slices = Array.from({ length: Math.ceil(texts.length / 64) }, (_, i) => texts.slice(i * 64, (i + 1) * 64))
        const vectors = await Promise.all(slices.map((s) => options.embed!(s.map((b) => b.record.text!))))
        slices.forEach((s, i) => {
          for (const [j, b] of s.entries()) b.record.vector = vectors[i]![j]!
        })
      }
      const ids = new Set(batch.map((b) => b.record.id))
      const straight = direct && ids.size === batch.length && batch.every((b) => !seen.has(b.record.id))
      if (direct) for (const id of ids) seen.add(id)
      await conn.begin(async (tx) => {
        if (!batch.length) return
        const into = straight ? `${table} (id, vec, metadata)` : `vecpods_import_stage (ord, id, vec, metadata${owner ? ', owner' : ''})`
        if (!straight) await tx`truncate vecpods_import_stage`
        const copyStarted = performance.now()
        const stream = await tx.unsafe(`copy ${into} from stdin with (format binary)`).writable()
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject)
          stream.on('finish', resolve)
          const rows = batch.map((b, ord) => copyRow(b.record.id, b.record.vector!, b.record.metadata, straight ? undefined : ord, b.record.owner))
          stream.end(Buffer.concat([COPY_HEADER, ...rows, COPY_TRAILER]))
        })
        const copyMs = performance.now() - copyStarted
        if (!straight) {
          const ownerColumn = owner ? quoteIdent(owner.column) : ''
          const ownerValue = owner?.many ? 'array(select jsonb_array_elements_text(owner))' : "owner #>> '{}'"
          await tx.unsafe(
            owner
              ? `insert into ${table} (id, vec, metadata, ${ownerColumn})
                 select distinct on (id) id, vec, metadata, ${ownerValue} from vecpods_import_stage order by id, ord desc
                 on conflict (id) do update set vec = excluded.vec, metadata = excluded.metadata, ${ownerColumn} = excluded.${ownerColumn}`
              : `insert into ${table} (id, vec, metadata)
                 select distinct on (id) id, vec, metadata from vecpods_import_stage order by id, ord desc
                 on conflict (id) do update set vec = excluded.vec, metadata = excluded.metadata`,
          )
          if (probe) {
            probe.indexMs += performance.now() - copyStarted - 2 * copyMs
            probe.rows += batch.length
          }
        }
        await tx`update vecpods.collections set model = ${model}, filled_at = now() where name = ${collection} and model is null`
      })
    }
    /**
     * Batches in file order while in flight. A batch is recorded as done (rejects, state, progress)
     * only once every batch before it is: a resumed run starts after the last line of the
     * contiguous committed ones (rows of later batches already in are upserted again, the same).
     */
    const inFlight: Array<{ ids: Set<string>; rows: number; rejects: string[]; lastLine: number; done: boolean; writing: Promise<void> }> = []
    let failure: unknown
    const settle = () => {
      while (inFlight[0]?.done) {
        const b = inFlight.shift()!
        if (b.rejects.length) appendFileSync(rejectsPath, b.rejects.join(''))
        state.rows += b.rows
        state.rejected += b.rejects.length
        state.committedLine = b.lastLine
        saveState(statePath, state)
        options.onCommit?.(b.lastLine)
        progress(b.lastLine)
      }
    }
    // Batches are written while the next are read and checked, on up to `writers` connections.
    const flush = async () => {
      if (probe && sample && probe.rows >= writers * batchSize) {
        // The first batches are in: finish them, then choose.
        await Promise.all(inFlight.map((b) => b.writing.catch(() => {})))
        if (failure) throw failure
        indexChoice = chooseIndexPath(probe, sample, Math.max(0, Number(existing)) + probe.rows, facts.lines - state.committedLine)
        probe = undefined
        if (indexChoice.rebuild) await dropIndex()
      }
      const ids = new Set(batch.map((b) => b.record.id))
      // Wait for a free writer, and for any in-flight batch holding one of these ids.
      for (;;) {
        if (failure) throw failure
        const clash = inFlight.find((b) => !b.done && [...ids].some((id) => b.ids.has(id)))
        if (!clash && idle.length) break
        await Promise.race((clash ? [clash] : inFlight.filter((b) => !b.done)).map((b) => b.writing.catch(() => {})))
      }
      const conn = idle.pop()!
      const entry = { ids, rows: batch.length, rejects, lastLine, done: false, writing: Promise.resolve() }
      const rows = batch
      entry.writing = write(conn, rows).then(
        () => {
          entry.done = true
          idle.push(conn)
          settle()
        },
        (error: unknown) => {
          failure ??= error
          idle.push(conn)
          throw error
        },
      )
      // Handled here so a failure surfaces at the next flush, not in the process's hook.
      entry.writing.catch(() => {})
      inFlight.push(entry)
      batch = []
      rejects = []
    }

    for await (const l of readLines(file, options.format)) {
      if (l.line <= state.committedLine) continue
      lastLine = l.line
      const checked = 'error' in l ? l.error : validateRecord(l.record, col.dims, col.measure, col.owner)
      if (typeof checked === 'string') {
        rejects.push(`${JSON.stringify({ line: l.line, reason: checked, ...('text' in l ? { text: l.text.slice(0, 500) } : {}) })}\n`)
      } else batch.push({ line: l.line, record: checked })
      if (batch.length >= batchSize) await flush()
    }
    await flush()
    await Promise.all(inFlight.map((b) => b.writing))
    if (failure) throw failure

    let indexRebuilt = false
    if (state.indexDdl) {
      await buildIndex(sql, watch, table, state.indexDdl, options, (detail, done, total) =>
        options.onProgress?.({ phase: 'indexing', done, total, rows: state.rows, rejected: state.rejected, detail }),
      )
      indexRebuilt = true
    }
    await sql.unsafe(`analyze ${table}`)
    rmSync(statePath, { force: true })
    return {
      rows: state.rows,
      rejected: state.rejected,
      resumedFromLine: resumed?.committedLine ?? 0,
      indexRebuilt,
      ...(indexChoice ? { indexChoice } : {}),
      writers,
      ms: performance.now() - started,
    }
  } finally {
    await Promise.all([sql.end({ timeout: 1 }), watch.end({ timeout: 1 }), ...reserved.map((conn) => conn.end({ timeout: 1 }))])
  }
}

/**
 * What one row takes in an HNSW graph being built, roughly: its indexed value (4 bytes a dimension,
 * 2 for halfvec, 1 bit for binary quantization) and its neighbour lists (2 × m on the base layer,
 * 10 bytes each with their headers), plus a fixed overhead. At 384 dims and m 16 this gives about
 * 2 KB (vector) and 1.2 KB (halfvec), as the built indexes of `pnpm bench:capacity` measure on disk.
 */
export function hnswBytesPerRow(col: Collection): number {
  const m = col.index.method === 'hnsw' ? col.index.m : 16
  const value = col.quantization === 'binary' ? col.dims / 8 : col.dims * (col.storage === 'halfvec' ? 2 : 4)
  return value + m * 2 * 10 + 128
}

/** A row of `pg_stat_progress_create_index`, as the driver returns it. */
export interface IndexBuildProgress {
  tuples_done: string
  tuples_total: string
  blocks_done: string
  blocks_total: string
}

/**
 * An index build's progress as done / total. pgvector counts the tuples it adds to the graph
 * without a total (tuples_total 0): the table's rows are the total then. Phases that count no
 * tuples report blocks.
 */
export function buildProgress(p: IndexBuildProgress, rows: number): [done: number, total: number] {
  const tuples = Number(p.tuples_done) > 0 || Number(p.tuples_total) > 0
  return tuples ? [Number(p.tuples_done), Number(p.tuples_total) || rows] : [Number(p.blocks_done), Number(p.blocks_total)]
}

/** Builds the vector index with room and workers for it, reporting PostgreSQL's progress every 0.5 s. */
async function buildIndex(
  sql: postgres.Sql,
  watch: postgres.Sql,
  table: string,
  ddl: string,
  options: ImportOptions,
  report: (detail: string, done: number, total: number) => void,
): Promise<void> {
  await sql.unsafe(`set maintenance_work_mem = '${(options.maintenanceWorkMem ?? '1GB').replace(/'/g, '')}'`)
  await sql.unsafe(`set max_parallel_maintenance_workers = ${Math.trunc(options.parallelWorkers ?? 2)}`)
  // pgvector builds HNSW in memory while the graph fits maintenance_work_mem, and far slower on disk after.
  const [fit] = await sql.unsafe<{ rows: number; memory: number }[]>(
    `select (select count(*) from ${table})::float8 as rows, pg_size_bytes(current_setting('maintenance_work_mem'))::float8 as memory`,
  )
  if (/USING hnsw/i.test(ddl)) {
    const need = fit!.rows * hnswBytesPerRow(options.col)
    if (need > fit!.memory) {
      const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`
      options.onNotice?.(
        `  the HNSW graph of ${fit!.rows.toLocaleString('en')} rows needs about ${gb(need)} and maintenance_work_mem is ${gb(fit!.memory)}: the build goes on disk and takes several times longer; pass --maintenance-work-mem ${Math.ceil((need * 1.2) / 1024 ** 3)}GB if the pod has that memory free`,
      )
    }
  }
  const timer = setInterval(async () => {
    const [p] = await watch<Array<IndexBuildProgress & { phase: string }>>`
      select phase, tuples_done, tuples_total, blocks_done, blocks_total from pg_stat_progress_create_index where relid = ${table}::regclass`.catch(() => [])
    if (p) report(p.phase, ...buildProgress(p, fit!.rows))
  }, 500)
  try {
    await sql.unsafe(ddl.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '))
  } finally {
    clearInterval(timer)
  }
}
