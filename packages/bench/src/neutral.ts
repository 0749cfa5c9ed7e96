#!/usr/bin/env -S npx tsx
// `pnpm bench:neutral [seconds] [rows]`: latency of the same searches measured by neutral load generators
// rather than this project's Node clients: pgbench for the SQL the edge sends to a pod (same
// session settings, unprepared), wrk for the edge at its Deno port and through the gateway, for
// `docs` (pod_a, SQL transport) and `api` (pod_c, PostgREST transport), concurrency 1; then at
// scale (neutral-scale.ts: `rows`, default 100,000, on both transports, and at 8 connections). One run.
// Installs wrk when missing (scripts/setup-system.sh --bench). Writes benchmarks/neutral.json.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadQueries } from '@vecpods/eval'
import { collectionEfSearch, distanceOperator, PRIMARY } from '@vecpods/registry'
import { adminSql, stackEndpoints, stackOptions, status, up } from '@vecpods/stack'
import { scaleFigures } from './neutral-scale.ts'
import { pgbenchLatencies } from './pgbench.ts'
import { summarize } from './stats.ts'
import { type Figure, wrkRun } from './wrk.ts'

const SECONDS = Number(process.argv[2] ?? 10)
const SCALE_ROWS = Number(process.argv[3] ?? 100_000)
const QUERIES = 40
const opts = stackOptions(process.env, () => {})

const setup = spawnSync('bash', [join(opts.root, 'scripts', 'setup-system.sh'), '--bench'], { stdio: 'inherit' })
if (setup.status !== 0) throw new Error('could not install the load generators')
if (!(await status(opts)).every((c) => c.running)) await up(opts)
const eps = await stackEndpoints(opts)
const primary = eps.find((e) => e.project === PRIMARY)!
const dir = mkdtempSync(join(tmpdir(), 'vecpods-neutral-'))

/** pgbench at concurrency 1 over `QUERIES` scripts (one per query vector), per-transaction latencies from its log. */
function pgbench(collection: string, vectors: string[], model: string | undefined): Figure {
  const col = opts.registry.collections[collection]!
  const ep = eps.find((e) => e.project === col.pod)!
  const op = distanceOperator(col.measure)
  const latencies = pgbenchLatencies({
    dbUrl: ep.dbUrl,
    statements: vectors.map(
      (v) =>
        `select id, metadata, vec ${op} '${v}'::extensions.vector as distance from vecs."${collection}" order by vec ${op} '${v}'::extensions.vector limit 10;`,
    ),
    seconds: SECONDS,
    // The session the edge's SQL transport opens.
    options: `-c hnsw.ef_search=${collectionEfSearch(opts.registry, col, model)} -c hnsw.iterative_scan=relaxed_order -c enable_seqscan=off -c jit=off`,
    dir,
    label: collection,
  })
  const s = summarize(latencies)
  return { path: `SQL on the pod, ${collection} (${col.pod})`, tool: 'pgbench -c1 -M simple', requests: latencies.length, p50: s.p50, p99: s.p99, mean: s.mean }
}

/** Search bodies for wrk: one per query vector. */
const vectorBodies = (collection: string, vectors: string[]) => vectors.map((v) => ({ collection, vector: JSON.parse(v) as number[], limit: 10 }))

/** wrk at concurrency 1, cycling through the request bodies. */
const wrk = (label: string, url: string, headers: Record<string, string>, searches: object[]): Figure =>
  wrkRun({ label, url, headers, requests: searches.map((body) => ({ body })), seconds: SECONDS, dir })

try {
  const figures: Figure[] = []
  const key = primary.keys.serviceRoleKey
  const functionsPort = opts.ports.get(PRIMARY)!.functions
  for (const collection of ['docs', 'api']) {
    const col = opts.registry.collections[collection]!
    const sql = adminSql(eps.find((e) => e.project === col.pod)!.dbUrl)
    const vectors = (await sql.unsafe<{ v: string }[]>(`select vec::text as v from vecs."${collection}" order by id limit ${QUERIES}`)).map((r) => r.v)
    const [{ model }] = (await sql`select model from vecpods.collections where name = ${collection}`) as unknown as [{ model: string | null }]
    await sql.end()
    if (vectors.length < QUERIES) throw new Error(`${collection} holds too few rows: run \`pnpm seed\` first`)
    const transport = col.pod === PRIMARY ? 'sql' : opts.registry.pods[col.pod]!.transport
    figures.push(pgbench(collection, vectors, model ?? undefined))
    figures.push(
      wrk(
        `Edge at the Deno port, ${collection} (${transport} transport)`,
        `http://127.0.0.1:${functionsPort}/vector-search/search`,
        { authorization: `Bearer ${key}` },
        vectorBodies(collection, vectors),
      ),
    )
    figures.push(
      wrk(
        `Edge through the gateway, ${collection} (${transport} transport)`,
        `${primary.apiUrl}/functions/v1/vector-search/search`,
        { apikey: key, authorization: `Bearer ${key}` },
        vectorBodies(collection, vectors),
      ),
    )
    // The three search modes on the same collection and the same questions (pnpm eval's), through
    // the gateway: the query text is embedded once per distinct text (the edge's query cache), so
    // vector and hybrid differ by the pod's work only.
    const questions = loadQueries().filter((q) => q.collection === collection)
    for (const mode of ['vector', 'text', 'hybrid']) {
      figures.push(
        wrk(
          `Edge through the gateway, ${collection}, mode ${mode} (text questions)`,
          `${primary.apiUrl}/functions/v1/vector-search/search`,
          { apikey: key, authorization: `Bearer ${key}` },
          questions.map((q) => ({ collection, query: q.q, mode, limit: 10 })),
        ),
      )
    }
  }
  const scale = await scaleFigures({ registry: opts.registry, eps, rows: SCALE_ROWS, seconds: SECONDS, dir })
  figures.push(...scale.figures)
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: opts.root, encoding: 'utf8' }).stdout.trim()
  console.log(`\n${new Date().toISOString().slice(0, 10)}, commit ${commit}, ${SECONDS} s each`)
  console.log(`\n| path | tool | requests | p50 ms | p99 ms | mean ms |\n|---|---|---|---|---|---|`)
  for (const f of figures) console.log(`| ${f.path} | ${f.tool} | ${f.requests} | ${f.p50.toFixed(2)} | ${f.p99.toFixed(2)} | ${f.mean.toFixed(2)} |`)
  const by = (path: string) => figures.find((f) => f.path.startsWith(path))!
  for (const c of ['docs', 'api']) {
    const sqlP50 = figures.find((f) => f.path.startsWith('SQL') && f.path.includes(c))!.p50
    console.log(
      `${c}: edge ÷ SQL p50 = ${(by(`Edge at the Deno port, ${c}`).p50 / sqlP50).toFixed(2)}× at the Deno port, ${(by(`Edge through the gateway, ${c}`).p50 / sqlP50).toFixed(2)}× through the gateway`,
    )
  }
  for (const c of ['docs', 'api']) {
    const mode = (m: string) => by(`Edge through the gateway, ${c}, mode ${m}`).p50
    console.log(
      `${c}: hybrid ÷ vector p50 = ${(mode('hybrid') / mode('vector')).toFixed(2)}×, text ÷ vector ${(mode('text') / mode('vector')).toFixed(2)}× (through the gateway)`,
    )
  }
  console.log(
    `REST ÷ SQL transport (edge at the Deno port, api ÷ docs): ${(by('Edge at the Deno port, api').p50 / by('Edge at the Deno port, docs').p50).toFixed(2)}×`,
  )
  for (const r of scale.ratios) console.log(`${r.what}: ${r.value.toFixed(2)}× (target ${r.target}: ${r.met ? 'met' : 'missed'})`)
  mkdirSync(join(opts.root, 'benchmarks'), { recursive: true })
  writeFileSync(
    join(opts.root, 'benchmarks', 'neutral.json'),
    `${JSON.stringify({ date: new Date().toISOString(), commit, seconds: SECONDS, queries: QUERIES, figures, ratios: scale.ratios }, null, 2)}\n`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
