#!/usr/bin/env -S npx tsx
// `pnpm bench:tenants [seconds]`: per-user rows at scale. bench_tenants (pod_b, SQL transport)
// holds 1,000 owners × 100 rows of the synthetic clustered vectors, each owner's rows spread over
// all clusters, plus one owner of 10,000 rows. Measured through the running stack:
// - recall@10 of a user's search through the edge (as that user: the pod's row-level security
//   filters) against an exact search over the same user's rows, and whether it fills its limit;
// - p50 through the gateway with wrk (concurrency 1): a user's search against an unfiltered search
//   of the whole collection (service_role), on the same query vectors;
// - the big owner (10% of the rows) with the planner's plan, then with a partial HNSW index of its own.
// Writes benchmarks/tenants.json.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PRIMARY } from '@vecpods/registry'
import { adminSql, loadSecrets, signUserToken, stackEndpoints, stackOptions, status, up } from '@vecpods/stack'
import { type DataSpec, loadedWith, loadTable, sampleVectors } from './data.ts'
import { summarize } from './stats.ts'
import { type Figure, wrkRun } from './wrk.ts'

const SECONDS = Number(process.argv[2] ?? 10)
const COLLECTION = 'bench_tenants'
const TENANTS = 1000
const PER_TENANT = 100
const BIG = 10_000
const QUERIES = 50
const opts = stackOptions(process.env, () => {})
const spec: DataSpec = { rows: TENANTS * PER_TENANT + BIG, dims: 384, clusters: 100, noise: 0.6, seed: 0.31 }
/** Row i (1-based) belongs to tenant-(i mod 1000) for the first 100,000 rows, then to tenant-big. */
const ownerSql = `case when r.i > ${TENANTS * PER_TENANT} then 'tenant-big' else 'tenant-' || (r.i % ${TENANTS}) end`

const setup = spawnSync('bash', [join(opts.root, 'scripts', 'setup-system.sh'), '--bench'], { stdio: 'inherit' })
if (setup.status !== 0) throw new Error('could not install the load generators')
if (!(await status(opts)).every((c) => c.running)) await up(opts)
if (!opts.registry.collections[COLLECTION])
  throw new Error(`${COLLECTION} is not in the registry: the local stack adds it from packages/bench/bench.registry.json`)
const eps = await stackEndpoints(opts)
const primary = eps.find((e) => e.project === PRIMARY)!
const pod = eps.find((e) => e.project === opts.registry.collections[COLLECTION]!.pod)!
const secret = loadSecrets(opts.stateDir, opts.projects).primary!.jwtSecret
const search = `${primary.apiUrl}/functions/v1/vector-search/search`
const db = adminSql(pod.dbUrl)
const dir = mkdtempSync(join(tmpdir(), 'vecpods-tenants-'))

try {
  // The rows, once (a later run reuses them: the table's comment records what it holds).
  const [catalog] = await db`select model from vecpods.collections where name = 'docs' union all select ${'vecpods/static-384'} limit 1`
  const model = (catalog?.model as string | undefined) ?? 'vecpods/static-384'
  const loaded = await loadedWith(db, COLLECTION, spec)
  const timings =
    loaded ??
    (await loadTable(
      db,
      COLLECTION,
      spec,
      model,
      (done) => process.stdout.write(`\r  bench:tenants: ${done.toLocaleString('en-US')} / ${spec.rows.toLocaleString('en-US')} rows`),
      () => process.stdout.write('\n  bench:tenants: building the HNSW index\n'),
      { column: 'owner_id', of: ownerSql },
    ))
  await db.unsafe(`drop index if exists vecs.bench_tenants_big_hnsw`)
  await db.unsafe(`analyze vecs."${COLLECTION}"`)
  console.log(
    `bench:tenants: ${spec.rows.toLocaleString('en-US')} rows (${TENANTS} owners × ${PER_TENANT}, one of ${BIG.toLocaleString('en-US')}), load ${(timings.insertMs / 1000).toFixed(1)} s + index ${(timings.indexMs / 1000).toFixed(1)} s`,
  )

  const vectors = await sampleVectors(db, spec, QUERIES, 0.77)
  const tenants = Array.from({ length: QUERIES }, (_, i) => `tenant-${(i * 37) % TENANTS}`)
  const tokenOf = new Map<string, string>()
  for (const t of [...tenants, 'tenant-big']) tokenOf.set(t, await signUserToken(secret, { sub: t }, '2h'))

  /** The exact top 10 of one owner's rows (no vector index: a scan of its rows through the owner index). */
  const exact = async (owner: string, v: number[]) => {
    const rows = await db.begin(async (tx) => {
      await tx`set local enable_indexscan = off`
      return tx.unsafe(`select id from vecs."${COLLECTION}" where owner_id = $1 order by vec <=> $2::extensions.vector limit 10`, [owner, `[${v.join(',')}]`])
    })
    return rows.map((r) => r.id as string)
  }
  const edgeSearch = async (token: string, v: number[]) => {
    const res = await fetch(search, {
      method: 'POST',
      headers: { apikey: primary.keys.anonKey, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ collection: COLLECTION, vector: v, limit: 10 }),
    })
    const body = (await res.json()) as { data?: Array<{ id: string }>; error?: unknown }
    if (res.status !== 200) throw new Error(`search: ${res.status} ${JSON.stringify(body.error)}`)
    return body.data!.map((h) => h.id)
  }
  const recallOf = async (owners: string[]) => {
    let hit = 0
    let filled = 0
    for (const [i, owner] of owners.entries()) {
      const truth = await exact(owner, vectors[i % vectors.length]!)
      const got = await edgeSearch(tokenOf.get(owner)!, vectors[i % vectors.length]!)
      if (got.length === 10) filled++
      hit += got.filter((id) => truth.includes(id)).length
    }
    return { recall: hit / (owners.length * 10), filled: filled / owners.length }
  }
  const planOf = async (owner: string) => {
    const rows = await db.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ role: 'authenticated', sub: owner })}, true), set_config('role', 'authenticated', true)`
      await tx`set local hnsw.iterative_scan = relaxed_order`
      await tx`set local enable_seqscan = off`
      // As the pod's vecpods.search plans it: the owner condition also as a constant (vecpods.owner_sql).
      return tx.unsafe(`explain select id from vecs."${COLLECTION}" as t where t.owner_id = $2 order by vec <=> $1::extensions.vector limit 10`, [
        `[${vectors[0]!.join(',')}]`,
        owner,
      ])
    })
    return rows
      .map((r) => r['QUERY PLAN'] as string)
      .filter((l) => /Scan|Sort\b/.test(l) && !/Sort Key/.test(l))
      .map((l) =>
        l
          .trim()
          .replace(/^->\s*/, '')
          .replace(/\s+\(cost.*$/, ''),
      )
      .join(' → ')
  }

  const small = await recallOf(tenants)
  const smallPlan = await planOf(tenants[0]!)
  console.log(
    `  owner of ${PER_TENANT} rows: recall@10 ${small.recall.toFixed(3)}, limit filled ${(small.filled * 100).toFixed(0)}% (${QUERIES} owners); pod plan: ${smallPlan}`,
  )

  const figures: Figure[] = []
  const wrk = (label: string, requests: Array<{ body: object; headers?: Record<string, string> }>) =>
    wrkRun({ label, url: search, headers: { apikey: primary.keys.anonKey }, requests, seconds: SECONDS, dir })
  const body = (v: number[]) => ({ collection: COLLECTION, vector: v, limit: 10 })
  const unfiltered = wrk(
    'unfiltered search (service_role, every row)',
    vectors.map((v) => ({ body: body(v), headers: { authorization: `Bearer ${primary.keys.serviceRoleKey}` } })),
  )
  figures.push(unfiltered)
  const perUser = wrk(
    `a user's search (${PER_TENANT} own rows of ${spec.rows.toLocaleString('en-US')})`,
    vectors.map((v, i) => ({ body: body(v), headers: { authorization: `Bearer ${tokenOf.get(tenants[i]!)!}` } })),
  )
  figures.push(perUser)

  // The big owner: the planner's plan, then a partial HNSW index of its own rows.
  const bigOwners = Array.from({ length: QUERIES }, () => 'tenant-big')
  const bigToken = { authorization: `Bearer ${tokenOf.get('tenant-big')!}` }
  const big = await recallOf(bigOwners)
  const bigPlan = await planOf('tenant-big')
  figures.push(
    wrk(
      `the owner of ${BIG.toLocaleString('en-US')} rows, no index of its own`,
      vectors.map((v) => ({ body: body(v), headers: bigToken })),
    ),
  )
  const built = performance.now()
  await db.unsafe(`create index bench_tenants_big_hnsw on vecs."${COLLECTION}" using hnsw (vec extensions.vector_cosine_ops) where owner_id = 'tenant-big'`)
  const buildMs = performance.now() - built
  await db.unsafe(`analyze vecs."${COLLECTION}"`)
  const bigPartial = await recallOf(bigOwners)
  const bigPartialPlan = await planOf('tenant-big')
  figures.push(
    wrk(
      `the owner of ${BIG.toLocaleString('en-US')} rows, partial HNSW index`,
      vectors.map((v) => ({ body: body(v), headers: bigToken })),
    ),
  )
  await db.unsafe(`drop index vecs.bench_tenants_big_hnsw`)
  console.log(`  owner of ${BIG} rows: recall@10 ${big.recall.toFixed(3)}, filled ${(big.filled * 100).toFixed(0)}%; plan: ${bigPlan}`)
  console.log(
    `  with a partial HNSW index (built in ${(buildMs / 1000).toFixed(1)} s): recall@10 ${bigPartial.recall.toFixed(3)}, filled ${(bigPartial.filled * 100).toFixed(0)}%; plan: ${bigPartialPlan}`,
  )

  console.log(`\n| search through the gateway | tool | requests | p50 ms | p99 ms | mean ms |\n|---|---|---|---|---|---|`)
  for (const f of figures) console.log(`| ${f.path} | ${f.tool} | ${f.requests} | ${f.p50.toFixed(2)} | ${f.p99.toFixed(2)} | ${f.mean.toFixed(2)} |`)
  console.log(`\na user's search ÷ unfiltered, p50: ${(perUser.p50 / unfiltered.p50).toFixed(2)}× (target ≤ 2×)`)
  const latencies = summarize(figures.map((f) => f.p50))
  mkdirSync(join(opts.root, 'benchmarks'), { recursive: true })
  writeFileSync(
    join(opts.root, 'benchmarks', 'tenants.json'),
    `${JSON.stringify(
      {
        seconds: SECONDS,
        rows: spec.rows,
        tenants: TENANTS,
        perTenant: PER_TENANT,
        big: BIG,
        queries: QUERIES,
        small: { ...small, plan: smallPlan },
        bigOwner: { ...big, plan: bigPlan },
        bigOwnerPartialIndex: { ...bigPartial, plan: bigPartialPlan, buildMs },
        figures,
        ratio: perUser.p50 / unfiltered.p50,
        medianOfP50s: latencies.p50,
      },
      null,
      2,
    )}\n`,
  )
} finally {
  await db.end()
  rmSync(dir, { recursive: true, force: true })
}
