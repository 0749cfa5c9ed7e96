import { vecsTable } from '@vecpods/registry'
import type postgres from 'postgres'

/**
 * The synthetic data set, generated inside each pod by SQL so nothing large crosses the wire:
 * `clusters` centres drawn once from N(0, 1) per dimension (the same centres on every pod), and
 * each row a centre plus N(0, noise²) per dimension. With noise 0.6 a row's cosine to its centre
 * is about 0.86. Every row carries `cluster` and three nested selectivity flags drawn
 * independently of the vector: `s50` (50% of rows), `s10` (10%) and `s1` (1%).
 *
 * `setseed` makes the data the same on every run: the INSERT … SELECT plans are serial, so
 * `random()` is called in the same order each time.
 */
/** The distribution rows and queries are drawn from. */
export interface Distribution {
  dims: number
  clusters: number
  noise: number
}

export interface DataSpec extends Distribution {
  rows: number
  /** Seeds the rows of one pod; the centres use a seed of their own, shared by all pods. */
  seed: number
}

export const SELECTIVITIES = [
  { percent: 50, flag: 's50' },
  { percent: 10, flag: 's10' },
  { percent: 1, flag: 's1' },
] as const
export type Selectivity = (typeof SELECTIVITIES)[number]

/** The metadata a row selected by a flag contains (`metadata @> …`). */
export const flagMatch = (flag: string) => ({ [flag]: true })

const CENTRE_SEED = 0.25
const LOAD_CHUNK = 10_000

/** A Gaussian sample from two uniform ones (Box–Muller); PostgreSQL 15 has no `random_normal`. */
const NORMAL = 'sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())'

/** The comment a loaded table carries, so a later run reuses it instead of generating it again. */
export const fingerprint = (spec: DataSpec) =>
  `vecpods-bench v1 rows=${spec.rows} dims=${spec.dims} clusters=${spec.clusters} noise=${spec.noise} seed=${spec.seed}`

async function createCentres(sql: postgres.ReservedSql, spec: Distribution): Promise<void> {
  await sql`select setseed(${CENTRE_SEED})`
  await sql`drop table if exists pg_temp.bench_centres`
  await sql.unsafe(`
    create temp table bench_centres as
    select k, array_agg(${NORMAL} order by d)::float4[] as centre
    from generate_series(0, ${spec.clusters - 1}) k cross join generate_series(1, ${spec.dims}) d
    group by k`)
}

/** `count` vectors drawn from the data's distribution (not rows of it). */
export async function sampleVectors(db: postgres.Sql, spec: Distribution, count: number, seed: number): Promise<number[][]> {
  const sql = await db.reserve()
  try {
    await createCentres(sql, spec)
    await sql`select setseed(${seed})`
    const rows = await sql.unsafe<{ v: string }[]>(`
      with r as materialized (select i, floor(random() * ${spec.clusters})::int as k from generate_series(1, ${count}) i)
      select (select array_agg(c.centre[d] + ${spec.noise} * ${NORMAL} order by d) from generate_series(1, ${spec.dims}) d)::text as v
      from r join bench_centres c on c.k = r.k order by r.i`)
    return rows.map((r) => r.v.slice(1, -1).split(',').map(Number))
  } finally {
    sql.release()
  }
}

export interface LoadTimings {
  rows: number
  /** Server-side generation and INSERT, with the vector index dropped. */
  insertMs: number
  /** CREATE INDEX … USING hnsw on the loaded rows. */
  indexMs: number
}

/**
 * Fills `vecs.<table>` from scratch: drops its HNSW index, generates the rows in chunks (calling
 * `progress` after each), rebuilds the index with the registry's parameters and records `model`
 * as the collection's embedding model, as a first upsert would. Calls `building` when the rows
 * are in and the index build starts. Returns the timings.
 */
export async function loadTable(
  db: postgres.Sql,
  table: string,
  spec: DataSpec,
  model: string,
  progress: (rowsDone: number) => void,
  building: () => void = () => {},
  /** For a collection with owners: its owner column, and each row's owner as SQL over the row number \`r.i\`. */
  owner?: { column: string; of: string },
): Promise<LoadTimings> {
  const sql = await db.reserve()
  try {
    const [index] = await sql<{ indexname: string; indexdef: string }[]>`
      select indexname, indexdef from pg_indexes where schemaname = 'vecs' and tablename = ${table} and indexdef like '%USING hnsw%'`
    if (!index) throw new Error(`vecs.${table} has no HNSW index: apply the pod's migrations (\`pnpm stack up\`)`)
    await createCentres(sql, spec)
    await sql.unsafe(`truncate ${vecsTable(table)}`)
    await sql.unsafe(`drop index ${vecsTable(index.indexname)}`)
    await sql`select setseed(${spec.seed})`
    const started = performance.now()
    for (let from = 1; from <= spec.rows; from += LOAD_CHUNK) {
      const to = Math.min(from + LOAD_CHUNK - 1, spec.rows)
      await sql.unsafe(`
        with r as materialized (
          select i, floor(random() * ${spec.clusters})::int as k, random() as s from generate_series(${from}, ${to}) i
        )
        insert into ${vecsTable(table)} (id, vec, metadata${owner ? `, "${owner.column}"` : ''})
        select '${table}-' || r.i,
          (select array_agg(c.centre[d] + ${spec.noise} * ${NORMAL} order by d) from generate_series(1, ${spec.dims}) d)::extensions.vector,
          jsonb_build_object('cluster', r.k, 's50', r.s < 0.5, 's10', r.s < 0.1, 's1', r.s < 0.01)${owner ? `, ${owner.of}` : ''}
        from r join bench_centres c on c.k = r.k`)
      progress(to)
    }
    const insertMs = performance.now() - started
    // The whole graph in memory, as a production build would be configured (about 2 kB per
    // 384-dim element at m 16); parallel workers as the pod allows.
    await sql.unsafe(`set maintenance_work_mem = '${spec.rows > 300_000 ? '6GB' : '1GB'}'`)
    building()
    const indexStarted = performance.now()
    await sql.unsafe(index.indexdef)
    const indexMs = performance.now() - indexStarted
    // Vacuum now, so autovacuum does not run through the measurements that follow.
    await sql.unsafe(`vacuum (analyze) vecs."${table}"`)
    await sql`update vecpods.collections set model = ${model}, filled_at = now() where name = ${table}`
    const timings = { rows: spec.rows, insertMs, indexMs }
    await sql.unsafe(`comment on table vecs."${table}" is '${fingerprint(spec)}; ${JSON.stringify(timings)}'`)
    return timings
  } finally {
    sql.release()
  }
}

/**
 * The timings of the load that generated `vecs.<table>`, when it holds exactly the rows `spec`
 * generates (its comment says so); null when it must be generated (again).
 */
export async function loadedWith(db: postgres.Sql, table: string, spec: DataSpec): Promise<LoadTimings | null> {
  const [row] = await db`select obj_description(${`vecs."${table}"`}::regclass, 'pg_class') as note`
  const note = (row?.note as string | null) ?? ''
  const prefix = `${fingerprint(spec)}; `
  if (!note.startsWith(prefix)) return null
  try {
    return JSON.parse(note.slice(prefix.length)) as LoadTimings
  } catch {
    return null
  }
}

/** Empties a bench table and forgets its fingerprint (`pnpm bench --clean`). */
export async function emptyTable(db: postgres.Sql, table: string): Promise<void> {
  await db.unsafe(`truncate ${vecsTable(table)}`)
  await db.unsafe(`comment on table vecs."${table}" is null`)
  await db`update vecpods.collections set model = null, filled_at = null where name = ${table}`
}

/**
 * A psql script that writes `spec.rows` rows of the distribution to `path` as import NDJSON
 * (`{ id, vector, metadata: { cluster } }`, ids `<prefix><n>`), generated in the pod and copied out
 * by psql, so the rows an import reads are the ones `loadTable` would generate.
 */
export function ndjsonRowsScript(spec: DataSpec, prefix: string, path: string): string {
  const centres = `create temp table bench_centres as select k, array_agg(${NORMAL} order by d)::float4[] as centre from generate_series(0, ${spec.clusters - 1}) k cross join generate_series(1, ${spec.dims}) d group by k;`
  const rows = `with r as materialized (select i, floor(random() * ${spec.clusters})::int as k from generate_series(1, ${spec.rows}) i) select json_build_object('id', '${prefix}' || r.i, 'vector', (select array_agg(round((c.centre[d] + ${spec.noise} * ${NORMAL})::numeric, 5) order by d) from generate_series(1, ${spec.dims}) d), 'metadata', json_build_object('cluster', r.k)) from r join bench_centres c on c.k = r.k order by r.i`
  return ['\\o /dev/null', `select setseed(${CENTRE_SEED});`, centres, `select setseed(${spec.seed});`, `\\copy (${rows}) to '${path}'`, ''].join('\n')
}
