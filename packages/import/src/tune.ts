import { type Collection, DEFAULT_EF_SEARCH, vecsTable } from '@vecpods/registry'
import { declaringFile, updateDeclaration } from '@vecpods/registry/node'
import postgres from 'postgres'

/** The ef_search values a tune tries, in order. */
export const SWEEP = [10, 20, 40, 60, 80, 120, 160, 240, 320, 480, 640, 1000]
const K = 10

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN
}

export interface SweepOptions {
  /** recall@10 to reach. */
  target: number
  /** Query vectors (with an id held out of its own answers), or how many of the collection's rows to use. */
  queries: Array<{ id: string; vec: string }> | number
  /** Sweep every value (the whole curve), not only up to the first that reaches the target. */
  all?: boolean
  /**
   * The smallest ef_search the tune may choose. Rows of the collection as queries overstate recall
   * (each sits on its own node of the graph, whose links lead straight to its neighbours), so a
   * tune on rows may raise ef_search above the default but not lower it: `ROW_TUNE_FLOOR`.
   * Real queries (`--questions`) can take any value.
   */
  floor?: number
}

/**
 * The floor of a tune on the collection's own rows: the registry's default ef_search. Measured on
 * the synthetic set against vectors drawn fresh from the distribution: at 100k rows (m 16) rows
 * gave 0.964 at ef_search 40 where fresh vectors gave 0.938; at 1M rows (m 32 / ef_construction
 * 128) rows gave 0.951 at 60 where fresh vectors gave 0.861 (and 0.968 at 160).
 */
export const ROW_TUNE_FLOOR = DEFAULT_EF_SEARCH

/** The tune commands' `--floor`: an ef_search from 1 to 1000, or nothing (the default floor). */
export function floorOption(value: string | undefined): { floor?: number } {
  if (value === undefined) return {}
  const floor = Number(value)
  if (!Number.isInteger(floor) || floor < 1 || floor > 1000) throw new Error(`--floor takes an ef_search from 1 to 1000, not "${value}"`)
  return { floor }
}

export interface SweepResult {
  /** The smallest ef_search reaching the target (undefined: none up to 1000 does). */
  chosen: number | undefined
  /** The model whose vectors the collection holds (recorded on the pod). */
  model: string | undefined
  m: number
  efConstruction: number
}

/**
 * Measures recall@10 of a collection's HNSW index against exact search on its pod, for each
 * `SWEEP` value of hnsw.ef_search, and returns the smallest that reaches the target: what
 * `pnpm tune` and `vecpods tune` run.
 */
export async function sweepEfSearch(
  sql: postgres.Sql,
  collection: string,
  col: Collection,
  options: SweepOptions,
  log: (line: string) => void,
): Promise<SweepResult> {
  const started = performance.now()
  if (col.index.method !== 'hnsw') throw new Error(`"${collection}" has no HNSW index (${col.index.method}): nothing to tune`)
  const table = vecsTable(collection)
  const [{ n }] = (await sql.unsafe(`select count(*)::int as n from ${table}`)) as unknown as [{ n: number }]
  if (n < 100) throw new Error(`"${collection}" holds ${n} rows: too few to measure recall (at least 100)`)
  // The index as built (it may differ from the registry's declaration until a migration rebuilds it).
  const [built] = await sql<{ options: string[] | null }[]>`
    select c.reloptions as options from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
    where i.indrelid = ${table}::regclass and am.amname = 'hnsw'`
  if (!built) throw new Error(`"${collection}" has no HNSW index on its pod: apply its migrations`)
  const option = (key: string, fallback: number) => Number((built.options ?? []).find((o) => o.startsWith(`${key}=`))?.split('=')[1] ?? fallback)
  const [m, efConstruction] = [option('m', 16), option('ef_construction', 64)]
  const queries =
    typeof options.queries === 'number'
      ? await sql.unsafe<{ id: string; vec: string }[]>(`select id, vec::text as vec from ${table} order by random() limit ${Math.trunc(options.queries)}`)
      : options.queries
  log(
    `tune: ${collection} (pod ${col.pod}, ${n.toLocaleString('en')} rows, index m ${m}, ef_construction ${efConstruction}), ${queries.length} queries, target recall@${K} ${options.target}`,
  )
  /**
   * The k nearest other rows of a query row, by index (ef given) or exactly (null), through the
   * pod's own \`vecpods.search\` as the edge runs it: it sets ef_search and iterative scans for its
   * statement, keeps seq scans off while the index is measured (the planner would answer a small
   * collection exactly once ef_search makes the index look dear, hiding its recall), and on a
   * binary-quantized collection takes the Hamming candidates and re-ranks them.
   */
  const neighbours = async (q: { id: string; vec: string }, ef: number | null) => {
    const t = performance.now()
    const rows = await sql.unsafe<{ id: string }[]>(`select id from vecpods.search($1, $2, $3, null, $4, $5, false, false)`, [
      collection,
      q.vec,
      K + 1,
      ef ?? 40,
      ef === null,
    ])
    return {
      ids: rows
        .map((r) => r.id)
        .filter((id) => id !== q.id)
        .slice(0, K),
      ms: performance.now() - t,
    }
  }
  const truth: Array<Set<string>> = []
  for (const q of queries) truth.push(new Set((await neighbours(q, null)).ids))
  log(`  exact neighbours of ${queries.length} queries in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  let chosen: number | undefined
  const rowFloor = options.floor === undefined && typeof options.queries === 'number'
  const floor = options.floor ?? (rowFloor ? ROW_TUNE_FLOOR : SWEEP[0]!)
  if (rowFloor) log(`  from ef_search ${floor}: rows of the collection as queries overstate recall, so this tune does not go below the default`)
  else if (floor > SWEEP[0]!) log(`  from ef_search ${floor} (--floor)`)
  for (const ef of SWEEP.filter((v) => v >= floor || options.all)) {
    let hits = 0
    const latencies: number[] = []
    for (const [i, q] of queries.entries()) {
      const got = await neighbours(q, ef)
      latencies.push(got.ms)
      hits += got.ids.filter((id) => truth[i]!.has(id)).length
    }
    const recall = hits / (queries.length * K)
    log(`  ef_search ${String(ef).padStart(4)}: recall@${K} ${recall.toFixed(3)}, p50 ${median(latencies).toFixed(2)} ms`)
    if (recall >= options.target && chosen === undefined && ef >= floor) {
      chosen = ef
      if (!options.all) break
    }
  }
  const [recorded] = await sql<{ model: string | null }[]>`select model from vecpods.collections where name = ${collection}`
  return { chosen, model: recorded?.model ?? undefined, m, efConstruction }
}

/**
 * Writes a tuned ef_search into the registry file that declares the collection, under the model
 * whose vectors were measured (other models keep theirs). Returns that file, or undefined on a dry run.
 */
export function recordEfSearch(
  files: string[],
  collection: string,
  col: Collection,
  result: SweepResult,
  dryRun: boolean,
  log: (line: string) => void,
): string | undefined {
  const chosen = result.chosen!
  const efSearch = result.model ? { ...(typeof col.efSearch === 'object' ? col.efSearch : {}), [result.model]: chosen } : chosen
  const what = `efSearch ${chosen}${result.model ? ` for model ${result.model}` : ''}`
  if (dryRun) {
    log(`tune: ${what} would be written to ${declaringFile(files, collection)} (dry run)`)
    return undefined
  }
  const { file } = updateDeclaration(files, collection, { efSearch })!
  log(`tune: wrote ${what} for ${collection} to ${file}`)
  return file
}

/** When an import ends with a tune: `auto` after a load of at least `AUTO_TUNE_ROWS` rows, or always / never. */
export type TuneAfterImport = 'auto' | 'always' | 'never'

/** Rows an import must write before `auto` tunes: smaller loads barely move the recall curve. */
export const AUTO_TUNE_ROWS = 10_000

/**
 * Whether an import that wrote `rows` rows ends with a tune, and why (a line for the person running
 * it). A tune measures the recall this collection's own vectors reach; no formula of the row count
 * could: at about the same size, GloVe needs ef_search 120 and the synthetic set 1000.
 */
export function tuneAfterImport(when: TuneAfterImport, col: Collection, rows: number): { tune: boolean; why: string } {
  if (when === 'never') return { tune: false, why: 'tune: skipped (--tune never)' }
  if (col.index.method !== 'hnsw') return { tune: false, why: `tune: skipped (the index is ${col.index.method}, not HNSW)` }
  if (when === 'auto' && rows < AUTO_TUNE_ROWS)
    return { tune: false, why: `tune: skipped (${rows} rows written, under ${AUTO_TUNE_ROWS.toLocaleString('en')}; --tune always runs it)` }
  return { tune: true, why: `tune: ${rows.toLocaleString('en')} rows written; measuring the ef_search the collection now needs` }
}

/**
 * The tune an import ends with: says whether it runs (`tuneAfterImport`), and when it does, sweeps
 * 100 held-out rows for `recall` and records the value among `files`; `deployHint` is told once a
 * value is written (how the function gets it).
 */
export async function closingTune(
  p: { dbUrl: string; collection: string; col: Collection; files: string[]; when: TuneAfterImport; recall: number; rows: number; deployHint: string },
  log: (line: string) => void,
): Promise<void> {
  const closing = tuneAfterImport(p.when, p.col, p.rows)
  log(closing.why)
  if (!closing.tune) return
  const { file } = await tuneAndRecord(p.dbUrl, p.collection, p.col, p.files, { target: p.recall, queries: 100 }, log)
  if (file) log(p.deployHint)
}

/**
 * Sweeps ef_search for a collection on its pod (`dbUrl`) and writes the chosen value into the
 * registry file among `files` that declares it: the tune commands and the imports' closing tune.
 * `chosen` is undefined when no ef_search up to 1000 reaches the target (said in the log).
 */
export async function tuneAndRecord(
  dbUrl: string,
  collection: string,
  col: Collection,
  files: string[],
  options: SweepOptions & { dryRun?: boolean },
  log: (line: string) => void,
): Promise<{ chosen: number | undefined; file: string | undefined }> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} })
  try {
    const result = await sweepEfSearch(sql, collection, col, options, log)
    if (result.chosen === undefined) {
      log(
        `  no ef_search up to 1000 reaches ${options.target}: rebuild the index with a larger m or ef_construction (now ${result.m} / ${result.efConstruction}; registry \`collections.${collection}.index\`)`,
      )
      return { chosen: undefined, file: undefined }
    }
    return { chosen: result.chosen, file: recordEfSearch(files, collection, col, result, options.dryRun ?? false, log) }
  } finally {
    await sql.end()
  }
}
