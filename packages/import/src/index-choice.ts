import { quoteIdent, vecsTable } from '@vecpods/registry'
import type postgres from 'postgres'

/** What writing into the live index cost the first batches of a load, on this pod. */
export interface LiveProbe {
  rows: number
  /** Time of the merges into the table beyond the time of copying the same rows into the staging table: the index's share. */
  indexMs: number
  /** Connections that wrote the batches at once. */
  writers: number
}

/** A build of the collection's own index over a sample of its rows. */
export interface SampleBuild {
  rows: number
  ms: number
}

export interface IndexChoice {
  rebuild: boolean
  /** Predicted seconds of index work for the rest of the load, each way. */
  liveS: number
  rebuildS: number
  /** The choice and its figures, for the person running the import. */
  line: string
}

/**
 * HNSW's build does about log n work per row (each insert searches a graph of the rows before
 * it), so a build of `n` rows is predicted from a sample's as `ms × (n / rows) × ln n / ln rows`.
 */
export function predictBuildS(sample: SampleBuild, n: number): number {
  const rows = Math.max(sample.rows, 2)
  return (sample.ms / 1000) * (n / rows) * (Math.log(Math.max(n, 2)) / Math.log(rows))
}

/**
 * Compares the index work left in a load each way: `remaining` rows inserted into the live index
 * at the rate the first batches measured, or the index dropped now and built over all
 * `existing + remaining` rows at the end, as the sample build predicts. Writes without an index
 * are cheap either way and left out.
 */
export function chooseIndexPath(live: LiveProbe, sample: SampleBuild, existing: number, remaining: number): IndexChoice {
  const liveS = (remaining * (Math.max(live.indexMs, 0) / Math.max(live.rows, 1))) / 1000 / Math.max(live.writers, 1)
  const rebuildS = predictBuildS(sample, existing + remaining)
  const rebuild = rebuildS < liveS
  const perRow = (live.indexMs / Math.max(live.rows, 1) / Math.max(live.writers, 1)).toFixed(2)
  const line =
    `  measured: live index inserts ${perRow} ms a row on ${live.writers} connection${live.writers > 1 ? 's' : ''} → ${liveS.toFixed(1)} s for the ${remaining.toLocaleString('en')} rows left; ` +
    `a rebuild over ${(existing + remaining).toLocaleString('en')} rows ≈ ${rebuildS.toFixed(1)} s (${sample.rows.toLocaleString('en')} rows built in ${(sample.ms / 1000).toFixed(2)} s) → ${rebuild ? 'dropping the index for the load' : 'writing into the live index'}`
  return { rebuild, liveS, rebuildS, line }
}

/**
 * Times a build of the collection's index (its own DDL, the same memory and parallel workers as
 * the import's build) over up to `rows` of its rows, copied into an unlogged scratch table of the
 * collection's own (imports into other collections of the pod may measure at the same time), which
 * is dropped after.
 */
export async function timeSampleBuild(
  sql: postgres.Sql,
  collection: string,
  indexDdl: string,
  rows: number,
  settings: { maintenanceWorkMem: string; parallelWorkers: number },
): Promise<SampleBuild> {
  const table = vecsTable(collection)
  const scratch = `vecpods.${quoteIdent(`import_probe_${collection}`)}`
  await sql.unsafe(`drop table if exists ${scratch}`)
  try {
    await sql.unsafe(`create unlogged table ${scratch} as select * from ${table} limit ${Math.trunc(rows)}`)
    const [{ n }] = (await sql.unsafe(`select count(*)::int as n from ${scratch}`)) as unknown as [{ n: number }]
    await sql.unsafe(`set maintenance_work_mem = '${settings.maintenanceWorkMem.replace(/'/g, '')}'`)
    await sql.unsafe(`set max_parallel_maintenance_workers = ${Math.trunc(settings.parallelWorkers)}`)
    // The collection's DDL, pointed at the scratch table under a name of its own.
    const ddl = indexDdl.replace(/^CREATE INDEX \S+ ON \S+/, `CREATE INDEX ${quoteIdent(`import_probe_${collection}_idx`)} ON ${scratch}`)
    if (ddl === indexDdl) throw new Error(`unexpected index definition: ${indexDdl}`)
    const started = performance.now()
    await sql.unsafe(ddl)
    return { rows: n, ms: performance.now() - started }
  } finally {
    await sql.unsafe(`drop table if exists ${scratch}`)
  }
}
