#!/usr/bin/env -S npx tsx
// `pnpm bench:capacity [rows] [seconds]`: what each storage choice costs a pod, on one pod (pod_b)
// with the synthetic clustered vectors (384 dims, default 1,000,000 rows): table and index size,
// index build time, and at the smallest ef_search reaching recall@10 0.95 (or the best one),
// recall and p50 by pgbench (concurrency 1, the query the pods' vecpods.nearest_sql builds).
// Storage choices: vector; halfvec; binary quantization (bit HNSW over vector rows, re-rank ×10 and ×40).
// Then, from the measured index bytes per row, the rows whose index fits in half of each Supabase
// compute size's memory. Tables are the benchmark's own (vecs.cap_*; --clean drops them).
// Writes benchmarks/capacity.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { adminSql, stackEndpoints, stackOptions, status, up } from '@vecpods/stack'
import { type DataSpec, loadedWith, loadTable, sampleVectors } from './data.ts'
import { pgbenchLatencies } from './pgbench.ts'
import { summarize } from './stats.ts'

const ROWS = Number(process.argv[2] ?? 1_000_000)
const SECONDS = Number(process.argv[3] ?? 10)
const QUERIES = 100
const SWEEP = [40, 60, 80, 100, 160, 200, 300, 400]
/** Published memory of Supabase compute sizes (GB), for the fit table. */
const COMPUTE = [
  ['Micro', 1],
  ['Small', 2],
  ['Medium', 4],
  ['Large', 8],
  ['XL', 16],
  ['2XL', 32],
  ['4XL', 64],
  ['8XL', 128],
  ['12XL', 192],
  ['16XL', 256],
] as const
const opts = stackOptions(process.env, () => {})
const spec: DataSpec = { rows: ROWS, dims: 384, clusters: 100, noise: 0.6, seed: 0.53 }
if (!(await status(opts)).every((c) => c.running)) await up(opts)
const pod = (await stackEndpoints(opts)).find((e) => e.project === 'pod_b')!
const db = adminSql(pod.dbUrl)
const dir = mkdtempSync(join(tmpdir(), 'vecpods-capacity-'))
const mb = (bytes: number) => bytes / 1024 / 1024

type Choice = { name: string; table: string; storage: 'vector' | 'halfvec'; rerank?: number }
// The two binary rows share one table and index (re-rank is a query setting).
const CHOICES: Choice[] = [
  { name: 'vector', table: 'cap_vector', storage: 'vector' },
  { name: 'halfvec', table: 'cap_halfvec', storage: 'halfvec' },
  { name: 'binary + re-rank ×10', table: 'cap_binary', storage: 'vector', rerank: 10 },
  { name: 'binary + re-rank ×40', table: 'cap_binary', storage: 'vector', rerank: 40 },
]
const indexSql = (c: Choice) =>
  c.rerank
    ? `create index ${c.table}_hnsw on vecs.${c.table} using hnsw ((extensions.binary_quantize(vec)::bit(384)) extensions.bit_hamming_ops)`
    : `create index ${c.table}_hnsw on vecs.${c.table} using hnsw (vec extensions.${c.storage}_cosine_ops)`
/** The nearest 10 by the index (and, for binary, re-ranked), as vecpods.nearest_sql builds it. */
const nearest = (c: Choice, v: string) =>
  c.rerank
    ? `select id from (select id, vec from vecs.${c.table} order by extensions.binary_quantize(vec)::bit(384) operator(extensions.<~>) extensions.binary_quantize('${v}'::extensions.vector)::bit(384) limit ${10 * c.rerank}) t order by vec operator(extensions.<=>) '${v}'::extensions.vector limit 10`
    : `select id from vecs.${c.table} order by vec operator(extensions.<=>) '${v}'::extensions.vector limit 10`

try {
  if (process.argv.includes('--clean')) {
    for (const c of CHOICES) await db.unsafe(`drop table if exists vecs.${c.table}`)
    console.log('bench:capacity: dropped vecs.cap_*')
    process.exit(0)
  }
  // The rows: generated once into cap_vector (with its index, timed), copied into the others.
  await db.unsafe(`create table if not exists vecs.cap_vector (id text primary key, vec extensions.vector(384) not null, metadata jsonb not null default '{}')`)
  const [hasIndex] = await db`select 1 from pg_indexes where schemaname = 'vecs' and tablename = 'cap_vector' and indexdef like '%hnsw%'`
  if (!hasIndex) await db.unsafe(indexSql(CHOICES[0]!))
  const loaded =
    (await loadedWith(db, 'cap_vector', spec)) ??
    (await loadTable(
      db,
      'cap_vector',
      spec,
      'synthetic',
      (done) => process.stdout.write(`\r  bench:capacity: ${done.toLocaleString('en-US')} / ${ROWS.toLocaleString('en-US')} rows`),
      () => process.stdout.write('\n  bench:capacity: building the vector index\n'),
    ))
  const builds: Record<string, number> = { cap_vector: loaded.indexMs }
  for (const c of CHOICES.slice(1)) {
    if (builds[c.table] !== undefined) continue
    const [n] = await db.unsafe(`select count(*)::int as n from vecs.${c.table}`).catch(() => [{ n: -1 }])
    if (n?.n === ROWS) {
      const [note] = await db.unsafe(`select obj_description('vecs.${c.table}'::regclass, 'pg_class') as ms`)
      builds[c.table] = Number(note?.ms)
      continue
    }
    await db.unsafe(`drop table if exists vecs.${c.table}`)
    await db.unsafe(`create table vecs.${c.table} (id text primary key, vec extensions.${c.storage}(384) not null, metadata jsonb not null default '{}')`)
    await db.unsafe(`insert into vecs.${c.table} select id, vec, metadata from vecs.cap_vector`)
    await db.unsafe(`set maintenance_work_mem = '${ROWS > 300_000 ? '6GB' : '1GB'}'`)
    console.log(`  bench:capacity: building the ${c.name} index`)
    const started = performance.now()
    await db.unsafe(indexSql(c))
    builds[c.table] = performance.now() - started
    await db.unsafe(`vacuum (analyze) vecs.${c.table}`)
    await db.unsafe(`comment on table vecs.${c.table} is '${builds[c.table]}'`)
  }

  // Ground truth: the exact 10 nearest rows of each query (one scan each, on the vector table).
  const queries = (await sampleVectors(db, spec, QUERIES, 0.61)).map((v) => `[${v.join(',')}]`)
  const truth: string[][] = []
  for (const q of queries) {
    const rows = await db.begin(async (tx) => {
      await tx`set local enable_indexscan = off`
      return tx.unsafe(`select id from vecs.cap_vector order by vec operator(extensions.<=>) '${q}'::extensions.vector limit 10`)
    })
    truth.push(rows.map((r) => r.id as string))
  }
  console.log(`  bench:capacity: exact neighbours of ${QUERIES} queries`)

  const results = []
  for (const c of CHOICES) {
    const recallAt = async (ef: number) => {
      let hits = 0
      for (const [i, q] of queries.entries()) {
        const rows = await db.begin(async (tx) => {
          await tx.unsafe(
            `set local hnsw.ef_search = ${ef}; set local hnsw.iterative_scan = relaxed_order; set local enable_seqscan = off; set local jit = off`,
          )
          return tx.unsafe(nearest(c, q))
        })
        hits += rows.filter((r) => truth[i]!.includes(r.id as string)).length
      }
      return hits / (QUERIES * 10)
    }
    // The smallest ef_search reaching 0.95; when none does, the smallest within 0.005 of the best.
    const sweep: Array<[number, number]> = []
    for (const ef of SWEEP) {
      const r = await recallAt(ef)
      console.log(`  ${c.name}: ef_search ${ef}, recall@10 ${r.toFixed(3)}`)
      sweep.push([ef, r])
      if (r >= 0.95) break
    }
    const best = Math.max(...sweep.map(([, r]) => r))
    const [chosen, recall] = sweep.find(([, r]) => r >= 0.95) ?? sweep.find(([, r]) => r >= best - 0.005)!
    const latencies = pgbenchLatencies({
      dbUrl: pod.dbUrl,
      statements: queries.slice(0, 40).map((q) => `${nearest(c, q)};`),
      seconds: SECONDS,
      options: `-c hnsw.ef_search=${chosen} -c hnsw.iterative_scan=relaxed_order -c enable_seqscan=off -c jit=off`,
      dir,
      label: c.table,
    })
    const [size] = await db.unsafe(
      `select pg_table_size('vecs.${c.table}') as heap, pg_relation_size('vecs.${c.table}_hnsw') as index, (select count(*) from vecs.${c.table}) as n`,
    )
    const indexBytes = Number(size!.index)
    results.push({
      choice: c.name,
      tableMB: mb(Number(size!.heap)),
      indexMB: mb(indexBytes),
      buildS: builds[c.table]! / 1000,
      efSearch: chosen,
      recall,
      p50: summarize(latencies).p50,
      requests: latencies.length,
      indexBytesPerRow: indexBytes / Number(size!.n),
    })
  }

  console.log(`\n| storage | table MB | index MB | index build s | ef_search | recall@10 | p50 ms (pgbench c1) |\n|---|---|---|---|---|---|---|`)
  for (const r of results) {
    console.log(
      `| ${r.choice} | ${r.tableMB.toFixed(0)} | ${r.indexMB.toFixed(0)} | ${r.buildS.toFixed(0)} | ${r.efSearch} | ${r.recall.toFixed(3)} | ${r.p50.toFixed(2)} |`,
    )
  }
  // Rows whose HNSW index fits in half of the compute size's memory (the other half: Postgres, the OS, the heap rows a search reads).
  console.log(`\n| compute (RAM) | ${results.map((r) => r.choice).join(' | ')} |\n|---|${results.map(() => '---').join('|')}|`)
  for (const [size, gb] of COMPUTE) {
    console.log(`| ${size} (${gb} GB) | ${results.map((r) => Math.floor((gb * 1024 ** 3 * 0.5) / r.indexBytesPerRow).toLocaleString('en-US')).join(' | ')} |`)
  }
  mkdirSync(join(opts.root, 'benchmarks'), { recursive: true })
  writeFileSync(join(opts.root, 'benchmarks', 'capacity.json'), `${JSON.stringify({ rows: ROWS, seconds: SECONDS, queries: QUERIES, results }, null, 2)}\n`)
} finally {
  await db.end()
  rmSync(dir, { recursive: true, force: true })
}
