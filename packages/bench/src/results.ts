import type { LoadTimings } from './data.ts'
import type { ForeignScanProbe } from './fdw-probe.ts'
import type { Machine } from './machine.ts'
import type { BenchOptions } from './options.ts'
import { type LatencySummary, summarize } from './stats.ts'

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

/** rows and milliseconds, with the rate they make. */
export const rate = (rows: number, ms: number): IngestResult => ({ rows, ms, rowsPerSecond: (rows / ms) * 1000 })

/** A run's figures as the results record them. */
export const pathRun = (
  concurrency: number,
  requests: number,
  run: { throughput: number; latencies: number[]; errors: number; firstError?: string },
): PathRun => ({
  concurrency,
  requests,
  throughput: run.throughput,
  latency: summarize(run.latencies),
  errors: run.errors,
  ...(run.firstError ? { firstError: run.firstError } : {}),
})
