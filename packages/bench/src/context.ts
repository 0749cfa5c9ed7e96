import { readFileSync } from 'node:fs'
import type { Registry } from '@vecpods/registry'
import type { ProjectEndpoints, StackOptions } from '@vecpods/stack'
import type postgres from 'postgres'
import type { BenchOptions } from './options.ts'
import type { SearchPath } from './paths.ts'
import type { BenchUi } from './results.ts'

/** The bench collections, one per pod, as the registry declares them. */
export const BENCH_COLLECTIONS = ['bench_a', 'bench_b', 'bench_c'] as const
export const MAIN = 'bench_a'
export const QUERY_SEED = 0.75
export const INGEST_SEED = 0.125
export const FDW_FETCH_SIZE = 500

/** What every measurement of one run shares. */
export interface Context {
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

export const podOf = (ctx: Context, collection: string) => ctx.eps.get(ctx.registry.collections[collection]!.pod)!
export const mib = (kb: number) => Math.round((kb / 1024) * 10) / 10

/** Reads VmRSS and VmHWM (peak resident set) of a process, in kB. */
export function processMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8')
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN)
    return { rss: field('VmRSS'), hwm: field('VmHWM') }
  } catch {
    return null
  }
}
