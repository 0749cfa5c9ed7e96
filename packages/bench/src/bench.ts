import { efSearchOf, PRIMARY } from '@vecpods/registry'
import { adminSql, analyzeForeignTables, functionsPid, stackEndpoints, stackOptions, status, up } from '@vecpods/stack'
import type postgres from 'postgres'
import { BENCH_COLLECTIONS, type Context, FDW_FETCH_SIZE, MAIN, mib, podOf, processMemory, QUERY_SEED } from './context.ts'
import { SELECTIVITIES, sampleVectors } from './data.ts'
import { type ForeignScanProbe, probeForeignScan } from './fdw-probe.ts'
import { loadData, measureEmbedding, measureIngestion } from './load.ts'
import { describeMachine } from './machine.ts'
import { measurePaths, measureTogether } from './measure.ts'
import type { BenchOptions } from './options.ts'
import { edgePath, type IterativeScan, LIMIT, podRpcPath, podSqlPath, primaryRpcPath, type Query, type SearchPath } from './paths.ts'
import { type BenchResults, type BenchUi, type FilteredResult, rate, type SweepPoint } from './results.ts'
import { mean } from './stats.ts'
import { questionText } from './texts.ts'
import { exactNeighbours, mergeNeighbours, type Neighbour } from './truth.ts'

export { BENCH_COLLECTIONS } from './context.ts'
export { cleanBench } from './load.ts'
export type { BenchResults, BenchUi, FilteredResult, IngestResult, PathResult, PathRun, SweepPoint } from './results.ts'

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
