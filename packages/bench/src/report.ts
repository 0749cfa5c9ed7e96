import type { BenchResults, PathResult } from './bench.ts'
import { LIMIT } from './paths.ts'

/** One design target (docs/architecture.md, Targets), as measured. */
export interface TargetCheck {
  target: string
  measured: string
  met: boolean
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–')
const pct = (x: number) => `${(x * 100).toFixed(0)}%`
const run = (p: PathResult | undefined, c: number) => p?.runs.find((r) => r.concurrency === c)
const p50 = (results: BenchResults, id: string) =>
  run(
    results.paths.find((p) => p.id === id),
    1,
  )?.latency.p50 ?? Number.NaN

/** The collection a single-collection edge path searched, from its label ("…, bench_b (pod_b, sql)"). */
const collectionOf = (p: PathResult) => /\b(bench_[a-z0-9_]+)/.exec(p.label)?.[1] ?? 'bench_a'

export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = []
  const floor = p50(results, 'pod-sql')
  const edge = p50(results, 'edge-vector')
  const direct = p50(results, 'edge-vector-direct')
  checks.push({
    target: 'Edge `/search` with a vector: p50 ≤ 1.25× SQL on the pod',
    measured: `${(edge / floor).toFixed(2)}× through the gateway (${ms(edge)} vs ${ms(floor)} ms); ${(direct / floor).toFixed(2)}× at the Deno port`,
    met: edge / floor <= 1.25,
  })
  // Every collection through the edge: each pod's index is a separate build, and recall varies between builds.
  const edgeRecalls = results.paths.filter((p) => p.id === 'edge-vector' || p.id.startsWith('edge-vector-pod_'))
  const sqlRecall = results.paths.find((p) => p.id === 'pod-sql')?.recall ?? Number.NaN
  const lowest = Math.min(...edgeRecalls.map((p) => p.recall ?? Number.NaN))
  checks.push({
    target: 'recall@10 ≥ 0.95 at default settings',
    measured: `edge ${edgeRecalls.map((p) => `${collectionOf(p)} ${p.recall?.toFixed(3)}`).join(', ')}; SQL ${sqlRecall.toFixed(3)} (hnsw.ef_search ${results.data.efSearch}, the registry default)`,
    met: edgeRecalls.length > 0 && lowest >= 0.95,
  })
  const edgeFiltered = results.filtered.filter((f) => f.path === 'edge-vector')
  checks.push({
    target: `Filtered queries return the full limit (${LIMIT}) whenever that many rows match`,
    measured: `edge: ${edgeFiltered.map((f) => `${pct(f.fullShare)} of queries full at ${f.selectivity}%`).join(', ')}`,
    met: edgeFiltered.length > 0 && edgeFiltered.every((f) => f.fullShare === 1),
  })
  checks.push({
    target: 'Through the primary’s foreign table only `limit` rows cross',
    measured: results.foreignScan
      .map((p) => `${p.flag ?? 'no filter'}: ${p.limitPushed ? `LIMIT on the pod, ${p.foreignRows} rows` : `LIMIT local, ≤ ${p.crossedAtMost} rows`}`)
      .join('; '),
    met: results.foreignScan.length > 0 && results.foreignScan.every((p) => p.limitPushed && p.foreignRows <= LIMIT),
  })
  const singles = results.paths.filter((p) => p.id === 'edge-vector' || p.id.startsWith('edge-vector-pod_'))
  const slowest = Math.max(...singles.map((p) => run(p, 1)!.latency.p50))
  const fanOut = p50(results, 'edge-fanout')
  checks.push({
    target: 'Fan-out over several pods: p50 ≤ 1.3× the slowest single pod',
    measured: `${(fanOut / slowest).toFixed(2)}× (${ms(fanOut)} vs ${ms(slowest)} ms)`,
    met: fanOut / slowest <= 1.3,
  })
  return checks
}

/** The flags of the command that made a run (its output directory aside). */
function commandFlags(results: BenchResults): string {
  if (results.mode === 'short') return ' --short'
  if (results.data.rowsPerPod === 1_000_000) return ' --large'
  return results.data.rowsPerPod === 100_000 ? '' : ` --rows ${results.data.rowsPerPod}`
}

const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')

/** The generated part of BENCHMARKS.md: every figure of one run, as tables, with the charts. */
export function renderReport(results: BenchResults, chartDir: string): string {
  const m = results.machine
  const concurrencies = results.paths[0]?.runs.map((r) => r.concurrency) ?? []
  const lines: string[] = []
  lines.push(
    `Run of ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC, \`pnpm bench${commandFlags(results)}\`, ${results.durationSeconds} s. ` +
      `${results.data.rowsPerPod.toLocaleString('en')} rows per pod (${results.data.dims} dims, ${results.data.clusters} clusters, noise σ ${results.data.noise}), ` +
      `${results.data.queries} query vectors drawn from the same distribution, ${results.data.filteredQueries} per filtered run; hnsw.ef_search ${results.data.efSearch} unless a row says otherwise; model \`${results.data.model}\`.`,
    '',
    '### Machine',
    '',
    table(
      ['CPU', 'Memory', 'Kernel', 'Node', 'Deno', 'PostgreSQL', 'pgvector', 'PostgREST'],
      [[`${m.cpus} × ${m.cpu}`, `${m.memoryGiB} GiB`, m.kernel, m.node, m.deno, m.postgres, m.pgvector, m.postgrest]],
    ),
    '',
    '### Targets (docs/architecture.md)',
    '',
    table(
      ['Target', 'Measured', 'Result'],
      checkTargets(results).map((t) => [t.target, t.measured, t.met ? '**met**' : '**missed**']),
    ),
    '',
    '### Search paths (limit 10, unfiltered)',
    '',
    'Latency at concurrency 1, in ms, as the client sees it; "in-function" is the edge\'s own `meta.took_ms` (parse, validation, embedding, pod query); throughput in requests per second.',
    '',
    table(
      ['Path', 'recall@10', 'p50', 'p95', 'p99', 'in-function p50', ...concurrencies.map((c) => `q/s @${c}`), `p50 @${concurrencies.at(-1)}`, 'errors'],
      results.paths.map((p) => {
        const c1 = p.runs[0]!
        return [
          p.label,
          p.recall === null ? 'n/a' : p.recall.toFixed(3),
          ms(c1.latency.p50),
          ms(c1.latency.p95),
          ms(c1.latency.p99),
          p.serverP50 === null ? '–' : ms(p.serverP50),
          ...p.runs.map((r) => r.throughput.toFixed(0)),
          ms(p.runs.at(-1)!.latency.p50),
          p.runs.reduce((a, r) => a + r.errors, 0),
        ]
      }),
    ),
    '',
    `![p50 latency against recall](${chartDir}latency-recall.svg)`,
    '',
    `![throughput against concurrency](${chartDir}throughput.svg)`,
    '',
    '### Recall against latency (hnsw.ef_search)',
    '',
    table(
      ['ef_search', ...[...new Set(results.efSweep.map((p) => p.path))].flatMap((p) => [`${p} recall`, `${p} p50`])],
      [...new Set(results.efSweep.map((p) => p.efSearch))].map((ef) => [
        ef,
        ...[...new Set(results.efSweep.map((p) => p.path))].flatMap((path) => {
          const point = results.efSweep.find((p) => p.efSearch === ef && p.path === path)
          return point ? [point.recall.toFixed(3), ms(point.p50)] : ['–', '–']
        }),
      ]),
    ),
    '',
    '### Filtered searches (metadata flag true for 50 / 10 / 1% of rows, independent of the vectors)',
    '',
    table(
      ['Selectivity', 'Path', `Rows returned (of ${LIMIT})`, 'Full answers', 'recall@10', 'p50 ms'],
      results.filtered.map((f) => [`${f.selectivity}%`, f.label, f.meanRows.toFixed(1), pct(f.fullShare), f.recall.toFixed(3), ms(f.p50)]),
    ),
    '',
    '### Rows crossing from the pod to the primary (EXPLAIN ANALYZE of a foreign-table search)',
    '',
    table(
      ['Filter', 'LIMIT runs on the pod', 'Rows out of the Foreign Scan', 'Rows crossing, at most'],
      results.foreignScan.map((p) => [p.flag ?? 'none', p.limitPushed ? 'yes' : 'no', p.foreignRows, p.crossedAtMost]),
    ),
    '',
    '### Ingestion, index build, embedding, memory',
    '',
    table(
      ['What', 'Rows', 'Seconds', 'Rows per second'],
      [
        ...(results.ingestion.bulkSql
          ? [
              [
                'Generated in SQL on the pods, no vector index (when the data was made)',
                results.ingestion.bulkSql.rows,
                (results.ingestion.bulkSql.ms / 1000).toFixed(1),
                results.ingestion.bulkSql.rowsPerSecond.toFixed(0),
              ],
            ]
          : []),
        [
          'Edge upsert, vectors given (HNSW maintained, batches of 200)',
          results.ingestion.vectors.rows,
          (results.ingestion.vectors.ms / 1000).toFixed(1),
          results.ingestion.vectors.rowsPerSecond.toFixed(0),
        ],
        [
          'Edge upsert, text embedded by the edge (batches of 200)',
          results.ingestion.text.rows,
          (results.ingestion.text.ms / 1000).toFixed(1),
          results.ingestion.text.rowsPerSecond.toFixed(0),
        ],
        [
          `Embedding in Node, one text per call`,
          results.embedding.single.rows,
          (results.embedding.single.ms / 1000).toFixed(2),
          results.embedding.single.rowsPerSecond.toFixed(0),
        ],
        [
          `Embedding in Node, batches of ${results.embedding.batch}`,
          results.embedding.batched.rows,
          (results.embedding.batched.ms / 1000).toFixed(2),
          results.embedding.batched.rowsPerSecond.toFixed(0),
        ],
      ],
    ),
    '',
    results.ingestion.hnswBuildSeconds === null
      ? 'HNSW build: not measured in this run (the data was already loaded; `--reload` generates it again).'
      : `HNSW build (m 16, ef_construction 64, maintenance_work_mem ${results.data.rowsPerPod > 300_000 ? '6' : '1'} GB) over ${results.data.rowsPerPod.toLocaleString('en')} rows: **${results.ingestion.hnswBuildSeconds.toFixed(1)} s** on average per pod${results.load.some((l) => l.reused) ? ', measured by the run that generated the data' : ''} (${results.load
          .filter((l) => l.indexMs !== undefined)
          .map((l) => `${l.collection} ${(l.indexMs! / 1000).toFixed(1)} s`)
          .join(', ')}).`,
    '',
    results.memory
      ? `Edge function (Deno, pid ${results.memory.pid}): resident ${results.memory.rssAtStartMiB} MiB before the run, ${results.memory.rssAtEndMiB} MiB after, **peak ${results.memory.peakMiB} MiB** (VmHWM since the process started).`
      : 'Edge function memory: not measured (no Deno process found).',
  )
  return `${lines.join('\n')}\n`
}

export const BEGIN_MARK = '<!-- bench:begin (generated by `pnpm bench`; edit outside these marks) -->'
export const END_MARK = '<!-- bench:end -->'

/** Replaces the generated block of a markdown document (or appends one). */
export function spliceReport(document: string, generated: string): string {
  const block = `${BEGIN_MARK}\n${generated}${END_MARK}`
  const start = document.indexOf(BEGIN_MARK)
  const end = document.indexOf(END_MARK)
  if (start === -1 || end === -1 || end < start) return `${document.trimEnd()}\n\n${block}\n`
  return `${document.slice(0, start)}${block}${document.slice(end + END_MARK.length)}`
}
