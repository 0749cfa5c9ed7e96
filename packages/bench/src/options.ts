import { join } from 'node:path'
import { repoRoot } from '@vecpods/registry/node'

/** Everything one bench run does and where it writes, from a preset and the command line. */
export interface BenchOptions {
  mode: 'full' | 'short'
  /** Rows generated in each bench collection (one per pod). */
  rows: number
  clusters: number
  noise: number
  /** Distinct query vectors; recall is averaged over them. */
  queries: number
  /** Query vectors per selectivity in the filtered runs. */
  filteredQueries: number
  concurrencies: number[]
  /** Requests per throughput run at concurrency c. */
  requests: (concurrency: number) => number
  /** Unmeasured requests per path before its runs. */
  warmup: number
  efSweep: number[]
  ingestVectors: number
  ingestTexts: number
  embedTexts: number
  embedBatch: number
  /** Regenerate the data even when the tables already hold it. */
  reload: boolean
  outDir: string
  /** Update the generated part of BENCHMARKS.md (full runs). */
  updateMarkdown: boolean
}

export const PRESETS = {
  full: {
    rows: 100_000,
    queries: 200,
    filteredQueries: 100,
    concurrencies: [1, 8, 32],
    requests: (c: number) => (c === 1 ? 300 : 40 * c + 400),
    warmup: 30,
    efSweep: [10, 20, 40, 80, 100, 120, 160, 320],
    ingestVectors: 5_000,
    ingestTexts: 2_000,
    embedTexts: 512,
  },
  /** A smoke run for CI: every phase, little data; its figures mean nothing. */
  short: {
    rows: 2_000,
    queries: 20,
    filteredQueries: 10,
    concurrencies: [1, 8, 32],
    requests: (c: number) => Math.max(20, 2 * c),
    warmup: 3,
    efSweep: [10, 40],
    ingestVectors: 200,
    ingestTexts: 100,
    embedTexts: 32,
  },
} as const

export const DEFAULT_OUT_DIR = join(repoRoot, 'benchmarks')

export function benchOptions(mode: 'full' | 'short', overrides: Partial<BenchOptions> = {}): BenchOptions {
  const preset = PRESETS[mode]
  return {
    mode,
    clusters: 100,
    noise: 0.6,
    embedBatch: 32,
    reload: false,
    outDir: mode === 'full' ? DEFAULT_OUT_DIR : join(repoRoot, '.vecpods', 'bench-short'),
    updateMarkdown: mode === 'full',
    ...preset,
    concurrencies: [...preset.concurrencies],
    efSweep: [...preset.efSweep],
    ...overrides,
  }
}
