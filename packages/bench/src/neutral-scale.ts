// The part of `pnpm bench:neutral` at scale: the same 100,000 synthetic rows (384 dims, clustered)
// in bench_a (pod_a, SQL transport) and bench_c (pod_c, PostgREST transport), searched by 40
// vectors drawn from the distribution. pgbench times the SQL on each pod, bare and as the pods'
// `vecpods.search`; wrk times the edge through the gateway on each transport, and at 8 connections
// the edge against the pod's own PostgREST RPC, which is what an app would call without vecpods.
import { LEXICAL_MODEL_ID } from '@vecpods/offline-models'
import { collectionEfSearch, distanceOperator, PRIMARY, type Registry } from '@vecpods/registry'
import { adminSql, type ProjectEndpoints } from '@vecpods/stack'
import { type DataSpec, loadedWith, loadTable, sampleVectors } from './data.ts'
import { pgbenchLatencies } from './pgbench.ts'
import { summarize } from './stats.ts'
import { type Figure, wrkRun } from './wrk.ts'

export interface ScaleRun {
  figures: Figure[]
  /** The ratios the targets name, each with its figure. */
  ratios: Array<{ what: string; value: number; target: string; met: boolean }>
}

const SQL_COLLECTION = 'bench_a'
const REST_COLLECTION = 'bench_c'

export async function scaleFigures(p: { registry: Registry; eps: ProjectEndpoints[]; rows: number; seconds: number; dir: string }): Promise<ScaleRun> {
  const spec: DataSpec = { rows: p.rows, dims: 384, clusters: 100, noise: 0.6, seed: 0.53 }
  const primary = p.eps.find((e) => e.project === PRIMARY)!
  const endpoint = (collection: string) => p.eps.find((e) => e.project === p.registry.collections[collection]!.pod)!
  let vectors: string[] = []
  for (const collection of [SQL_COLLECTION, REST_COLLECTION]) {
    const db = adminSql(endpoint(collection).dbUrl)
    try {
      if (!(await loadedWith(db, collection, spec))) {
        console.log(`  ${collection}: generating ${p.rows.toLocaleString('en')} rows and building the index…`)
        await loadTable(db, collection, spec, LEXICAL_MODEL_ID, () => {})
      }
      if (!vectors.length) vectors = (await sampleVectors(db, spec, 40, 0.77)).map((v) => `[${v.join(',')}]`)
    } finally {
      await db.end()
    }
  }
  const figures: Figure[] = []
  const pgbench = (collection: string, what: 'bare' | 'vecpods.search') => {
    const col = p.registry.collections[collection]!
    const op = distanceOperator(col.measure)
    const ef = collectionEfSearch(p.registry, col, LEXICAL_MODEL_ID)
    const latencies = pgbenchLatencies({
      dbUrl: endpoint(collection).dbUrl,
      statements: vectors.map((v) =>
        what === 'bare'
          ? `select id, metadata, vec ${op} '${v}'::extensions.vector as distance from vecs."${collection}" order by vec ${op} '${v}'::extensions.vector limit 10;`
          : `select * from vecpods.search('${collection}', '${v}', 10, null, ${ef}, false, true, false);`,
      ),
      seconds: p.seconds,
      options: `-c hnsw.ef_search=${ef} -c hnsw.iterative_scan=relaxed_order -c enable_seqscan=off -c jit=off`,
      dir: p.dir,
      label: `${collection}-${what}`,
    })
    const s = summarize(latencies)
    const path = `${p.rows / 1000}k: SQL on ${col.pod}, ${collection}${what === 'bare' ? '' : ' as vecpods.search'}`
    figures.push({ path, tool: 'pgbench -c1 -M simple', requests: latencies.length, p50: s.p50, p99: s.p99, mean: s.mean })
  }
  const service = primary.keys.serviceRoleKey
  const edge = (collection: string, connections: number) => {
    const transport = p.registry.pods[p.registry.collections[collection]!.pod]!.transport
    figures.push(
      wrkRun({
        label: `${p.rows / 1000}k: edge through the gateway, ${collection} (${transport} transport)`,
        url: `${primary.apiUrl}/functions/v1/vector-search/search`,
        headers: { apikey: service, authorization: `Bearer ${service}` },
        // The rows are recorded as the lexical model's (loadTable): the vectors say so.
        requests: vectors.map((v) => ({ body: { collection, vector: JSON.parse(v) as number[], model: LEXICAL_MODEL_ID, limit: 10 } })),
        seconds: p.seconds,
        dir: p.dir,
        connections,
      }),
    )
  }
  const postgrest = (collection: string, connections: number) => {
    const ep = endpoint(collection)
    const col = p.registry.collections[collection]!
    const ef = collectionEfSearch(p.registry, col, LEXICAL_MODEL_ID)
    figures.push(
      wrkRun({
        label: `${p.rows / 1000}k: the pod's PostgREST RPC vecpods.search, ${collection} (${col.pod})`,
        url: `${ep.apiUrl}/rest/v1/rpc/search`,
        headers: { apikey: ep.keys.serviceRoleKey, authorization: `Bearer ${ep.keys.serviceRoleKey}`, 'content-profile': 'vecpods' },
        requests: vectors.map((v) => ({
          body: {
            collection,
            query_embedding: v,
            match_count: 10,
            filter: null,
            ef_search: ef,
            exact: false,
            include_metadata: true,
            include_value: false,
          },
        })),
        seconds: p.seconds,
        dir: p.dir,
        connections,
      }),
    )
  }
  pgbench(SQL_COLLECTION, 'bare')
  pgbench(SQL_COLLECTION, 'vecpods.search')
  edge(SQL_COLLECTION, 1)
  pgbench(REST_COLLECTION, 'bare')
  pgbench(REST_COLLECTION, 'vecpods.search')
  postgrest(REST_COLLECTION, 1)
  edge(REST_COLLECTION, 1)
  edge(SQL_COLLECTION, 8)
  postgrest(SQL_COLLECTION, 8)

  const find = (start: string, connections = 1) =>
    figures.find((f) => f.path.startsWith(`${p.rows / 1000}k: ${start}`) && f.tool.split(' ').includes(`-c${connections}`))!
  const throughput = (f: Figure) => f.requests / p.seconds
  const sqlBare = find(`SQL on pod_a, ${SQL_COLLECTION}`)
  const edgeSql = find(`edge through the gateway, ${SQL_COLLECTION}`)
  const edgeRest = find(`edge through the gateway, ${REST_COLLECTION}`)
  const edge8 = find(`edge through the gateway, ${SQL_COLLECTION}`, 8)
  const rpc8 = find(`the pod's PostgREST RPC vecpods.search, ${SQL_COLLECTION}`, 8)
  const ratio = (what: string, value: number, target: string, met: boolean) => ({ what, value, target, met })
  return {
    figures,
    ratios: [
      ratio('edge through the gateway ÷ SQL on the pod, p50, c=1 (SQL transport)', edgeSql.p50 / sqlBare.p50, '≤ 2.0×', edgeSql.p50 / sqlBare.p50 <= 2),
      ratio('REST transport ÷ SQL transport, edge p50, c=1 (same rows)', edgeRest.p50 / edgeSql.p50, '≤ 1.5×', edgeRest.p50 / edgeSql.p50 <= 1.5),
      ratio('edge ÷ the PostgREST RPC, throughput at c=8', throughput(edge8) / throughput(rpc8), '≥ 1.2×', throughput(edge8) / throughput(rpc8) >= 1.2),
    ],
  }
}
