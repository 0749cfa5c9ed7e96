import { readFileSync } from 'node:fs'
import { selectEmbedder } from '@vecpods/edge'
import { efSearchOf, PRIMARY, type Registry } from '@vecpods/registry'
import { createVectorClient } from '@vecpods/sdk'
import {
  adminSql,
  analyzeForeignTables,
  functionsPid,
  type ProjectEndpoints,
  type StackOptions,
  stackEndpoints,
  stackEnvironment,
  stackOptions,
  status,
  up,
} from '@vecpods/stack'
import type postgres from 'postgres'
import { type DataSpec, type Distribution, emptyTable, type LoadTimings, loadedWith, loadTable, SELECTIVITIES, sampleVectors } from './data.ts'
import { type ForeignScanProbe, probeForeignScan } from './fdw-probe.ts'
import { describeMachine, type Machine } from './machine.ts'
import type { BenchOptions } from './options.ts'
import { edgePath, type IterativeScan, LIMIT, podRpcPath, podSqlPath, primaryRpcPath, type Query, type SearchPath } from './paths.ts'
import { runClosedLoop, runInterleaved } from './run.ts'
import { type LatencySummary, mean, recallAt, summarize } from './stats.ts'
import { questionText } from './texts.ts'
import { exactNeighbours, mergeNeighbours, type Neighbour } from './truth.ts'

/** The bench collections, one per pod, as the registry declares them. */
export const BENCH_COLLECTIONS = ['bench_a', 'bench_b', 'bench_c'] as const
const MAIN = 'bench_a'
const QUERY_SEED = 0.75
const INGEST_SEED = 0.125
const FDW_FETCH_SIZE = 500

export interface BenchUi {
  log(line: string): void
  /** A phase of `total` steps: call `tick` after each, `done` at the end. */
  phase(label: string, total: number): { tick(steps?: number): void; done(): void }
}

export interface PathRun {
  concurrency: number
  requests: number
  throughput: number
  latency: LatencySummary
  errors: number
  firstError?: string
}

export interface PathResult {
  id: string
  label: string
  /** recall@10 against exact search, from the concurrency-1 run; null for the text path. */
  recall: number | null
  /** p50 of the time the service reports spending inside itself, at concurrency 1 (edge paths). */
  serverP50: number | null
  runs: PathRun[]
}

export interface SweepPoint {
  path: string
  efSearch: number
  recall: number
  p50: number
}

export interface FilteredResult {
  selectivity: number
  path: string
  label: string
  recall: number
  /** Mean hits returned (the limit is 10; every selectivity matches far more rows than that). */
  meanRows: number
  /** Share of queries answered with the full limit. */
  fullShare: number
  p50: number
  errors: number
}

export interface IngestResult {
  rows: number
  ms: number
  rowsPerSecond: number
}

export interface BenchResults {
  mode: BenchOptions['mode']
  startedAt: string
  durationSeconds: number
  machine: Machine
  data: { rowsPerPod: number; dims: number; clusters: number; noise: number; queries: number; filteredQueries: number; model: string; efSearch: number }
  load: Array<{ collection: string; pod: string; transport: string; reused: boolean } & Partial<LoadTimings>>
  paths: PathResult[]
  efSweep: SweepPoint[]
  filtered: FilteredResult[]
  foreignScan: ForeignScanProbe[]
  ingestion: { vectors: IngestResult; text: IngestResult; bulkSql: IngestResult | null; hnswBuildSeconds: number | null }
  embedding: { texts: number; batch: number; single: IngestResult; batched: IngestResult }
  memory: { pid: number; rssAtStartMiB: number; rssAtEndMiB: number; peakMiB: number } | null
}

interface Context {
  o: BenchOptions
  ui: BenchUi
  stack: StackOptions
  registry: Registry
  eps: Map<string, ProjectEndpoints>
  serviceKey: string
  gatewayUrl: string
  functionUrl: string
  /** The superuser pool on a project's database (one per database for the run), closed when the run ends, even on failure. */
  connect(dbUrl: string): postgres.Sql
  /** A search path, closed when the run ends. */
  track<P extends SearchPath>(path: P): P
}

/** rows and milliseconds, with the rate they make. */
const rate = (rows: number, ms: number): IngestResult => ({ rows, ms, rowsPerSecond: (rows / ms) * 1000 })

/** A run's figures as the results record them. */
const pathRun = (concurrency: number, requests: number, run: { throughput: number; latencies: number[]; errors: number; firstError?: string }): PathRun => ({
  concurrency,
  requests,
  throughput: run.throughput,
  latency: summarize(run.latencies),
  errors: run.errors,
  ...(run.firstError ? { firstError: run.firstError } : {}),
})

const podOf = (ctx: Context, collection: string) => ctx.eps.get(ctx.registry.collections[collection]!.pod)!
const mib = (kb: number) => Math.round((kb / 1024) * 10) / 10

/** Reads VmRSS and VmHWM (peak resident set) of a process, in kB. */
function processMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8')
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN)
    return { rss: field('VmRSS'), hwm: field('VmHWM') }
  } catch {
    return null
  }
}

const summaryLine = (p: PathResult) => {
  const c1 = p.runs[0]!
  return (
    `  ${p.label}: p50 ${c1.latency.p50.toFixed(2)} ms, ${p.runs.map((r) => `${r.throughput.toFixed(0)} q/s @${r.concurrency}`).join(', ')}` +
    (p.recall === null ? '' : `, recall@10 ${p.recall.toFixed(3)}`) +
    (p.serverP50 === null ? '' : `, in-function p50 ${p.serverP50.toFixed(2)} ms`) +
    (p.runs.some((r) => r.errors) ? `, ${p.runs.reduce((a, r) => a + r.errors, 0)} errors (${p.runs.find((r) => r.firstError)?.firstError})` : '')
  )
}

const recallOf = (answers: (string[] | undefined)[], truth: Neighbour[][]) =>
  mean(
    answers.map((ids, i) =>
      recallAt(
        LIMIT,
        ids ?? [],
        truth[i]!.map((n) => n.id),
      ),
    ),
  )

/**
 * Latency at concurrency 1 with the paths interleaved (each query sent to every path in turn,
 * so the shared machine's noise falls on all alike), recall from those answers, then
 * closed-loop throughput runs of each path at the higher concurrencies.
 */
async function measurePaths(ctx: Context, entries: Array<{ path: SearchPath; truth: Neighbour[][] | null }>, queries: Query[]): Promise<PathResult[]> {
  const { o, ui } = ctx
  for (const { path } of entries) {
    ctx.track(path)
    await runClosedLoop(path.search, queries, { concurrency: 1, requests: o.warmup })
    path.serverMs?.splice(0)
  }
  const rounds = o.requests(1)
  const bar = ui.phase('all paths ×1, interleaved', rounds)
  const single = await runInterleaved(
    entries.map((e) => e.path.search),
    queries,
    rounds,
    () => bar.tick(),
  )
  bar.done()
  const results: PathResult[] = entries.map(({ path, truth }, i) => {
    const r = single[i]!
    return {
      id: path.id,
      label: path.label,
      recall: truth ? recallOf(r.answers, truth) : null,
      serverP50: path.serverMs?.length ? summarize(path.serverMs).p50 : null,
      runs: [pathRun(1, rounds, r)],
    }
  })
  for (const [i, { path }] of entries.entries()) {
    for (const concurrency of o.concurrencies.filter((c) => c > 1)) {
      const requests = o.requests(concurrency)
      const loop = ui.phase(`${path.id} ×${concurrency}`, requests)
      const run = await runClosedLoop(path.search, queries, { concurrency, requests, onRequest: () => loop.tick() })
      loop.done()
      results[i]!.runs.push(pathRun(concurrency, requests, run))
    }
    await path.close()
    ui.log(summaryLine(results[i]!))
  }
  return results
}

/** One interleaved pass over the queries at concurrency 1: recall, rows returned and latency of each path. */
async function measureTogether(ctx: Context, paths: SearchPath[], queries: Query[], truth: Neighbour[][]) {
  for (const path of paths) {
    ctx.track(path)
    await runClosedLoop(path.search, queries, { concurrency: 1, requests: ctx.o.warmup })
  }
  const runs = await runInterleaved(
    paths.map((p) => p.search),
    queries,
    queries.length,
  )
  await Promise.all(paths.map((p) => p.close()))
  return runs.map((run) => {
    const answered = run.answers.filter((a): a is string[] => a !== undefined)
    // A full answer holds the limit, or every matching row when fewer match.
    const full = run.answers.filter((a, i) => a !== undefined && a.length >= Math.min(LIMIT, truth[i]!.length))
    return {
      recall: recallOf(run.answers, truth),
      meanRows: mean(answered.map((a) => a.length)),
      fullShare: full.length / queries.length,
      p50: summarize(run.latencies).p50,
      errors: run.errors,
    }
  })
}

async function loadData(ctx: Context, model: string): Promise<BenchResults['load']> {
  const out: BenchResults['load'] = []
  for (const [i, name] of BENCH_COLLECTIONS.entries()) {
    const col = ctx.registry.collections[name]!
    const spec: DataSpec = { rows: ctx.o.rows, dims: col.dims, clusters: ctx.o.clusters, noise: ctx.o.noise, seed: 0.5 + i / 10 }
    const db = ctx.connect(podOf(ctx, name).dbUrl)
    const base = { collection: name, pod: col.pod, transport: ctx.registry.pods[col.pod]!.transport }
    const earlier = ctx.o.reload ? null : await loadedWith(db, name, spec)
    if (earlier) {
      ctx.ui.log(`  ${name} on ${col.pod}: ${spec.rows.toLocaleString('en')} rows already loaded (pass --reload to generate them again)`)
      out.push({ ...base, reused: true, ...earlier })
      continue
    }
    const bar = ctx.ui.phase(`load ${name}`, spec.rows)
    let shown = 0
    const timings = await loadTable(
      db,
      name,
      spec,
      model,
      (done) => {
        bar.tick(done - shown)
        shown = done
      },
      () => {
        bar.done()
        ctx.ui.log(`  ${name}: rows in, building the HNSW index…`)
      },
    )
    ctx.ui.log(
      `  ${name} on ${col.pod}: ${timings.rows.toLocaleString('en')} rows generated in ${(timings.insertMs / 1000).toFixed(1)} s, HNSW index built in ${(timings.indexMs / 1000).toFixed(1)} s`,
    )
    out.push({ ...base, reused: false, ...timings })
  }
  return out
}

/** Vectors given and text given, through the edge upsert route in batches of 200; removed after. */
async function measureIngestion(ctx: Context, distribution: Distribution): Promise<{ vectors: IngestResult; text: IngestResult }> {
  const target = 'bench_b'
  const client = createVectorClient({ url: ctx.eps.get(PRIMARY)!.apiUrl, key: ctx.serviceKey, retry: { retries: 0 } })
  const db = ctx.connect(podOf(ctx, target).dbUrl)
  const run = `ingest-${Date.now().toString(36)}`
  try {
    const vectors = await sampleVectors(db, distribution, ctx.o.ingestVectors, INGEST_SEED)
    const timed = async (label: string, records: Parameters<typeof client.upsert>[1]): Promise<IngestResult> => {
      const bar = ctx.ui.phase(label, records.length)
      let shown = 0
      const started = performance.now()
      const { data, error } = await client.upsert(target, records, {
        batchSize: 200,
        onProgress: (p) => {
          bar.tick(p.done - shown)
          shown = p.done
        },
      })
      const ms = performance.now() - started
      bar.done()
      if (error) throw new Error(`${label}: ${error.code}: ${error.message}`)
      return rate(data.upserted, ms)
    }
    const withVectors = await timed(
      'ingest vectors',
      vectors.map((vector, i) => ({ id: `${run}-v${i}`, vector, metadata: { run } })),
    )
    const withText = await timed(
      'ingest text',
      Array.from({ length: ctx.o.ingestTexts }, (_, i) => ({ id: `${run}-t${i}`, text: `${questionText(i * 13 + 5)} (${run})`, metadata: { run } })),
    )
    ctx.ui.log(
      `  edge upsert into ${target}: ${withVectors.rowsPerSecond.toFixed(0)} rows/s with vectors, ${withText.rowsPerSecond.toFixed(0)} rows/s with text`,
    )
    return { vectors: withVectors, text: withText }
  } finally {
    const { error } = await client.delete(target, { filters: { run: { $eq: run } } })
    if (error) ctx.ui.log(`  could not remove the ingested rows (${error.message}); \`pnpm bench --reload\` regenerates ${target}`)
    await db.unsafe(`vacuum (analyze) vecs."${target}"`)
  }
}

/** The edge's embedder in this process: texts one per call against batches. */
async function measureEmbedding(ctx: Context): Promise<BenchResults['embedding']> {
  const embedder = selectEmbedder(ctx.registry, await stackEnvironment(ctx.stack))
  if (!embedder) throw new Error('no embedder configured for the stack (VECPODS_EMBEDDER)')
  const texts = Array.from({ length: ctx.o.embedTexts }, (_, i) => questionText(i * 31 + 7))
  await embedder.embed(['warm up the model'])
  const time = async (label: string, batch: number): Promise<IngestResult> => {
    const bar = ctx.ui.phase(label, texts.length)
    const started = performance.now()
    for (let i = 0; i < texts.length; i += batch) {
      const vectors = await embedder.embed(texts.slice(i, i + batch))
      if (vectors.length !== Math.min(batch, texts.length - i)) throw new Error('the embedder returned the wrong number of vectors')
      bar.tick(vectors.length)
    }
    const ms = performance.now() - started
    bar.done()
    return rate(texts.length, ms)
  }
  const single = await time('embed one by one', 1)
  const batched = await time(`embed ×${ctx.o.embedBatch}`, ctx.o.embedBatch)
  ctx.ui.log(
    `  ${embedder.model} (${embedder.kind}) in Node: ${single.rowsPerSecond.toFixed(0)} texts/s one by one, ${batched.rowsPerSecond.toFixed(0)} texts/s in batches of ${ctx.o.embedBatch}`,
  )
  return { texts: texts.length, batch: ctx.o.embedBatch, single, batched }
}

/**
 * Runs every measurement against the local stack (started if it is not running) and returns the
 * figures. Writes nothing but the bench collections' rows.
 */
export async function runBench(o: BenchOptions, ui: BenchUi, env: NodeJS.ProcessEnv = process.env): Promise<BenchResults> {
  const pools = new Map<string, postgres.Sql>()
  const paths: SearchPath[] = []
  try {
    return await measureAll(o, ui, env, {
      connect: (url) => {
        const db = pools.get(url) ?? adminSql(url)
        pools.set(url, db)
        return db
      },
      track: (path) => {
        paths.push(path)
        return path
      },
    })
  } finally {
    await Promise.allSettled([...paths.map((p) => p.close()), ...[...pools.values()].map((db) => db.end({ timeout: 5 }))])
  }
}

async function measureAll(o: BenchOptions, ui: BenchUi, env: NodeJS.ProcessEnv, resources: Pick<Context, 'connect' | 'track'>): Promise<BenchResults> {
  const startedAt = new Date()
  const stack = stackOptions(env, (line) => ui.log(line))
  if (!(await status(stack)).every((c) => c.running)) {
    ui.log('Starting the local stack (pnpm stack up); it keeps running after the bench, `pnpm stack down` stops it…')
    await up(stack)
  }
  const registry = stack.registry
  for (const name of BENCH_COLLECTIONS) {
    if (!registry.collections[name])
      throw new Error(
        `the registry has no collection "${name}": the bench needs ${BENCH_COLLECTIONS.join(', ')} (declared in packages/bench/bench.registry.json, which pnpm stack up applies unless VECPODS_OVERLAYS says otherwise)`,
      )
  }
  const eps = new Map((await stackEndpoints(stack)).map((e) => [e.project, e]))
  const primary = eps.get(PRIMARY)!
  const ctx: Context = {
    o,
    ui,
    stack,
    registry,
    eps,
    serviceKey: primary.keys.serviceRoleKey,
    gatewayUrl: `${primary.apiUrl}/functions/v1/vector-search`,
    functionUrl: `http://127.0.0.1:${stack.ports.get(PRIMARY)!.functions}/vector-search`,
    ...resources,
  }
  const pid = functionsPid(stack)
  const memoryAtStart = pid ? processMemory(pid) : null

  const catalog = await fetch(`${ctx.gatewayUrl}/collections`, { headers: { authorization: `Bearer ${ctx.serviceKey}`, apikey: ctx.serviceKey } })
  if (!catalog.ok) throw new Error(`the edge function answered ${catalog.status} to GET /collections`)
  const model = ((await catalog.json()) as { meta: { model: string } }).meta.model

  const machine = await describeMachine(stack, eps)
  ui.log(
    `vecpods bench (${o.mode}): ${o.rows.toLocaleString('en')} rows × ${BENCH_COLLECTIONS.length} pods, ${o.queries} queries; ${machine.cpu}, ${machine.cpus} CPUs`,
  )

  ui.log('Data')
  const load = await loadData(ctx, model)
  const primaryDb = ctx.connect(primary.dbUrl)
  await analyzeForeignTables(primaryDb)

  const main = registry.collections[MAIN]!
  const distribution = { dims: main.dims, clusters: o.clusters, noise: o.noise }
  const podADb = ctx.connect(podOf(ctx, MAIN).dbUrl)
  const vectors = await sampleVectors(podADb, distribution, o.queries, QUERY_SEED)
  const queries: Query[] = vectors.map((vector, i) => ({ vector, text: questionText(i * 97 + 11) }))

  ui.log('Ground truth (exact scans)')
  const truth = new Map<string, Neighbour[][]>()
  for (const name of BENCH_COLLECTIONS) {
    const db = ctx.connect(podOf(ctx, name).dbUrl)
    const bar = ui.phase(`exact ${name}`, queries.length)
    truth.set(name, await exactNeighbours(db, name, registry.collections[name]!.measure, queries, LIMIT, () => bar.tick()))
    bar.done()
  }
  const filteredQueries = new Map<number, Query[]>()
  const filteredTruth = new Map<number, Neighbour[][]>()
  for (const s of SELECTIVITIES) {
    const qs = queries.slice(0, o.filteredQueries).map((q) => ({ ...q, flag: s.flag }))
    const bar = ui.phase(`exact ${MAIN} ${s.percent}%`, qs.length)
    filteredQueries.set(s.percent, qs)
    filteredTruth.set(s.percent, await exactNeighbours(podADb, MAIN, main.measure, qs, LIMIT, () => bar.tick()))
    bar.done()
  }
  const fanOutTruth = queries.map((_, i) =>
    mergeNeighbours(
      BENCH_COLLECTIONS.map((n) => truth.get(n)![i]!),
      LIMIT,
    ),
  )

  const pool = Math.max(...o.concurrencies)
  const podA = podOf(ctx, MAIN)
  // SQL on the pod searches with the pod's configured ef_search, as the edge does.
  const efSearch = efSearchOf(registry, main.pod)
  ui.log('Latency, throughput and recall')
  const others = BENCH_COLLECTIONS.filter((n) => n !== MAIN).map((name) => {
    const pod = registry.collections[name]!.pod
    return {
      path: edgePath(`edge-vector-${pod}`, `Edge, vector, ${name} (${pod}, ${registry.pods[pod]!.transport})`, ctx.gatewayUrl, ctx.serviceKey, {
        collection: name,
      }),
      truth: truth.get(name)!,
    }
  })
  const paths = await measurePaths(
    ctx,
    [
      { path: podSqlPath('pod-sql', 'SQL on the pod (pgvector, the floor)', podA.dbUrl, MAIN, main.measure, { pool, efSearch }), truth: truth.get(MAIN)! },
      {
        path: podSqlPath('pod-sql-unprepared', 'SQL on the pod, unprepared (as the edge sends it)', podA.dbUrl, MAIN, main.measure, {
          pool,
          efSearch,
          prepare: false,
        }),
        truth: truth.get(MAIN)!,
      },
      { path: podRpcPath('pod-rpc', 'PostgREST RPC on the pod', podA.apiUrl, podA.keys.serviceRoleKey, MAIN), truth: truth.get(MAIN)! },
      { path: edgePath('edge-vector', 'Edge, vector given (via gateway)', ctx.gatewayUrl, ctx.serviceKey, { collection: MAIN }), truth: truth.get(MAIN)! },
      {
        path: edgePath('edge-vector-direct', 'Edge, vector given (Deno port)', ctx.functionUrl, ctx.serviceKey, { collection: MAIN }),
        truth: truth.get(MAIN)!,
      },
      { path: edgePath('edge-text', 'Edge, text (embedded per request)', ctx.gatewayUrl, ctx.serviceKey, { collection: MAIN }, { text: true }), truth: null },
      { path: primaryRpcPath('primary-rpc', 'Primary RPC match_bench_a (postgres_fdw)', primary.apiUrl, ctx.serviceKey, MAIN), truth: truth.get(MAIN)! },
      ...others,
      {
        path: edgePath('edge-fanout', 'Edge fan-out over 3 pods', ctx.gatewayUrl, ctx.serviceKey, { collections: [...BENCH_COLLECTIONS] }),
        truth: fanOutTruth,
      },
    ],
    queries,
  )

  ui.log('ef_search sweep (concurrency 1)')
  const efSweep: SweepPoint[] = []
  for (const efSearch of o.efSweep) {
    const sweepPaths = [
      podSqlPath('pod-sql', '', podA.dbUrl, MAIN, main.measure, { pool: 1, efSearch }),
      edgePath('edge-vector', '', ctx.gatewayUrl, ctx.serviceKey, { collection: MAIN }, { efSearch }),
    ]
    const measured = await measureTogether(ctx, sweepPaths, queries, truth.get(MAIN)!)
    for (const [i, r] of measured.entries()) {
      efSweep.push({ path: sweepPaths[i]!.id, efSearch, recall: r.recall, p50: r.p50 })
      ui.log(`  ${sweepPaths[i]!.id} ef_search=${efSearch}: recall@10 ${r.recall.toFixed(3)}, p50 ${r.p50.toFixed(2)} ms`)
    }
  }

  ui.log('Filtered searches (concurrency 1)')
  const filtered: FilteredResult[] = []
  for (const s of SELECTIVITIES) {
    const variants: Array<[SearchPath, string]> = [
      ...(['off', 'relaxed_order', 'strict_order'] as IterativeScan[]).map((mode): [SearchPath, string] => [
        podSqlPath(`pod-sql-${mode}`, '', podA.dbUrl, MAIN, main.measure, { pool: 1, efSearch, iterativeScan: mode }),
        `SQL on the pod, iterative_scan=${mode}`,
      ]),
      [edgePath('edge-vector', '', ctx.gatewayUrl, ctx.serviceKey, { collection: MAIN }), 'Edge, vector given (relaxed_order)'],
      [primaryRpcPath('primary-rpc', '', primary.apiUrl, ctx.serviceKey, MAIN), 'Primary RPC (pod role: strict_order)'],
    ]
    const measured = await measureTogether(
      ctx,
      variants.map(([path]) => path),
      filteredQueries.get(s.percent)!,
      filteredTruth.get(s.percent)!,
    )
    for (const [i, r] of measured.entries()) {
      const [path, label] = variants[i]!
      filtered.push({ selectivity: s.percent, path: path.id, label, ...r })
      ui.log(`  ${s.percent}% ${label}: ${r.meanRows.toFixed(1)} rows of ${LIMIT}, recall ${r.recall.toFixed(3)}, p50 ${r.p50.toFixed(2)} ms`)
    }
  }

  ui.log('Rows crossing from the pod to the primary (EXPLAIN ANALYZE)')
  const foreignScan: ForeignScanProbe[] = []
  for (const flag of [null, ...SELECTIVITIES.map((s) => s.flag)]) {
    const probe = await probeForeignScan(primaryDb, MAIN, main.measure, queries[0]!.vector, flag, LIMIT, FDW_FETCH_SIZE)
    foreignScan.push(probe)
    ui.log(`  ${flag ?? 'no filter'}: LIMIT on the pod ${probe.limitPushed ? 'yes' : 'no'}, ${probe.foreignRows} rows from the Foreign Scan`)
  }

  ui.log('Ingestion and embedding')
  const ingest = await measureIngestion(ctx, distribution)
  const embedding = await measureEmbedding(ctx)
  // Timings of the loads that generated the data, in this run or the one that left it in place.
  const generated = load.filter((l) => l.insertMs !== undefined)
  const bulkSql = generated.length
    ? rate(
        generated.reduce((a, l) => a + (l.rows ?? 0), 0),
        generated.reduce((a, l) => a + (l.insertMs ?? 0), 0),
      )
    : null
  const hnswBuildSeconds = generated.length ? mean(generated.map((l) => l.indexMs! / 1000)) : null

  const memoryAtEnd = pid ? processMemory(pid) : null
  const memory =
    pid && memoryAtStart && memoryAtEnd
      ? { pid, rssAtStartMiB: mib(memoryAtStart.rss), rssAtEndMiB: mib(memoryAtEnd.rss), peakMiB: mib(memoryAtEnd.hwm) }
      : null
  if (memory) ui.log(`  edge function (Deno pid ${pid}): RSS ${memory.rssAtStartMiB} → ${memory.rssAtEndMiB} MiB, peak ${memory.peakMiB} MiB`)

  return {
    mode: o.mode,
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine,
    data: {
      rowsPerPod: o.rows,
      dims: main.dims,
      clusters: o.clusters,
      noise: o.noise,
      queries: o.queries,
      filteredQueries: o.filteredQueries,
      model,
      efSearch,
    },
    load,
    paths,
    efSweep,
    filtered,
    foreignScan,
    ingestion: { ...ingest, bulkSql, hnswBuildSeconds },
    embedding,
    memory,
  }
}

/** Empties the bench collections (`pnpm bench --clean`). */
export async function cleanBench(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = console.log): Promise<void> {
  const stack = stackOptions(env, log)
  const eps = new Map((await stackEndpoints(stack)).map((e) => [e.project, e]))
  for (const name of BENCH_COLLECTIONS) {
    const pod = stack.registry.collections[name]?.pod
    if (!pod) continue
    const db = adminSql(eps.get(pod)!.dbUrl)
    try {
      await emptyTable(db, name)
      log(`emptied ${name} on ${pod}`)
    } finally {
      await db.end()
    }
  }
}
