import { describe, expect, it } from 'vitest'
import type { BenchResults, PathResult } from './bench.ts'
import { BEGIN_MARK, checkTargets, END_MARK, renderReport, spliceReport } from './report.ts'

const latency = (p50: number) => ({ count: 10, p50, p95: p50 * 2, p99: p50 * 3, mean: p50, max: p50 * 4 })
const path = (id: string, p50: number, recall: number | null = 0.97): PathResult => ({
  id,
  label: id.startsWith('edge-vector-pod_') ? `Edge, vector, bench_${id.at(-1)} (pod_${id.at(-1)}, sql)` : `label ${id}`,
  recall,
  serverP50: null,
  runs: [1, 8].map((concurrency) => ({ concurrency, requests: 10, throughput: 100 / concurrency, latency: latency(p50), errors: 0 })),
})
const edgeFiltered = (selectivity: number, fullShare: number) => ({
  selectivity,
  path: 'edge-vector',
  label: 'edge',
  recall: 1,
  meanRows: 10,
  fullShare,
  p50: 3,
  errors: 0,
})

function fixture(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    mode: 'full',
    startedAt: '2026-11-25T07:00:00.000Z',
    durationSeconds: 60,
    machine: { cpu: 'cpu', cpus: 2, memoryGiB: 8, kernel: 'Linux', node: 'v20', deno: 'deno 2', postgres: '15', pgvector: '0.8.0', postgrest: 'PostgREST 12' },
    data: { rowsPerPod: 1000, dims: 384, clusters: 10, noise: 0.6, queries: 10, filteredQueries: 5, model: 'm', efSearch: 40 },
    load: [],
    paths: [
      path('pod-sql', 2),
      path('edge-vector', 2.4),
      path('edge-vector-direct', 2.2),
      path('edge-vector-pod_b', 3),
      path('edge-vector-pod_c', 4),
      path('edge-fanout', 5),
    ],
    efSweep: [{ path: 'pod-sql', efSearch: 40, recall: 0.97, p50: 2 }],
    filtered: [edgeFiltered(50, 1), edgeFiltered(1, 1)],
    foreignScan: [{ flag: null, limitPushed: true, foreignRows: 10, crossedAtMost: 10, remoteSql: '… LIMIT 10::bigint' }],
    ingestion: { vectors: { rows: 1, ms: 1, rowsPerSecond: 1000 }, text: { rows: 1, ms: 1, rowsPerSecond: 1000 }, bulkSql: null, hnswBuildSeconds: null },
    embedding: { texts: 1, batch: 32, single: { rows: 1, ms: 1, rowsPerSecond: 1000 }, batched: { rows: 1, ms: 1, rowsPerSecond: 1000 } },
    memory: null,
    ...overrides,
  }
}

describe('checkTargets', () => {
  it('compares the edge with SQL, fan-out with the slowest single pod, and reads recall, fill and pushdown', () => {
    const checks = checkTargets(fixture())
    expect(checks.map((c) => c.met)).toEqual([true, true, true, true, true])
    expect(checks[0]!.measured).toMatch(/^1\.20× through the gateway/)
    expect(checks[4]!.measured).toMatch(/^1\.25× \(5\.00 vs 4\.00 ms\)/)
  })

  it('misses what the figures miss', () => {
    const checks = checkTargets(
      fixture({
        paths: [path('pod-sql', 2), path('edge-vector', 3), path('edge-vector-direct', 2.2), path('edge-vector-pod_b', 3, 0.94), path('edge-fanout', 4)],
        filtered: [edgeFiltered(1, 0.8)],
        foreignScan: [{ flag: 's1', limitPushed: false, foreignRows: 10, crossedAtMost: 500, remoteSql: '' }],
      }),
    )
    expect(checks.map((c) => c.met)).toEqual([false, false, false, false, false])
    expect(checks[3]!.measured).toBe('s1: LIMIT local, ≤ 500 rows')
    // One pod below 0.95 misses recall, though the others reach it.
    expect(checks[1]!.measured).toMatch(/^edge bench_a 0\.970, bench_b 0\.940;/)
  })
})

describe('the report', () => {
  it('names every path and links the charts from the given directory', () => {
    const md = renderReport(fixture(), 'benchmarks/')
    for (const id of ['pod-sql', 'edge-fanout']) expect(md).toContain(`label ${id}`)
    expect(md).toContain('](benchmarks/throughput.svg)')
    expect(md).toContain('HNSW build: not measured')
  })

  it('replaces only the generated block of a document, or appends one', () => {
    const doc = `# B\n\nintro\n\n${BEGIN_MARK}\nold\n${END_MARK}\n\nanalysis\n`
    expect(spliceReport(doc, 'new\n')).toBe(`# B\n\nintro\n\n${BEGIN_MARK}\nnew\n${END_MARK}\n\nanalysis\n`)
    expect(spliceReport('# B\n', 'x\n')).toBe(`# B\n\n${BEGIN_MARK}\nx\n${END_MARK}\n`)
  })
})
