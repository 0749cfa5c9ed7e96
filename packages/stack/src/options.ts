import { existsSync } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { DEFAULT_PORT_BASE, localPorts, type ProjectPorts, projectNames, type Registry } from '@vecpods/registry'
import { defaultRegistryPath, loadRegistry, loadRegistryWithOverlays, repoRoot } from '@vecpods/registry/node'

/** Everything the stack commands need, read once from the environment and the registry. */
export interface StackOptions {
  root: string
  /** The registry as shipped (what `supabase/` holds migrations for). */
  shipped: Registry
  /** The shipped registry with the overlays applied: what this stack runs. */
  registry: Registry
  /** Overlay files the stack applies (the benchmark's collections by default). */
  overlays: string[]
  projects: string[]
  ports: Map<string, ProjectPorts>
  /** Holds secrets, logs, pid files and (when the postgres user can reach it) data directories. */
  stateDir: string
  envFile: string
  pgBin: string
  /** Progress and results go here; tests pass a quiet logger. */
  log: (line: string) => void
}

function pgBinDir(env: NodeJS.ProcessEnv): string {
  if (env.VECPODS_PG_BIN) return env.VECPODS_PG_BIN
  const debian = '/usr/lib/postgresql/15/bin'
  if (existsSync(join(debian, 'postgres'))) return debian
  throw new Error('PostgreSQL 15 server binaries not found: run `bash scripts/setup-system.sh` or set VECPODS_PG_BIN')
}

/** The overlay the local stack applies unless `VECPODS_OVERLAYS` says otherwise: the benchmark's collections. */
export const BENCH_OVERLAY = join(repoRoot, 'packages', 'bench', 'bench.registry.json')

/** The overlay files to apply: `VECPODS_OVERLAYS` (comma-separated; empty for none), else the benchmark's. */
export function overlayFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.VECPODS_OVERLAYS ?? BENCH_OVERLAY)
    .split(',')
    .filter(Boolean)
    .map((p) => resolve(p))
}

/**
 * Reads the stack's settings: `VECPODS_CONFIG` (registry), `VECPODS_OVERLAYS` (comma-separated
 * overlay files; default the benchmark's, empty for none), `VECPODS_STATE_DIR` (default
 * `.vecpods/`), `VECPODS_PORT_BASE` (default 54321) and `VECPODS_ENV_FILE` (default `.env.local`).
 */
export function stackOptions(env: NodeJS.ProcessEnv = process.env, log = (line: string) => console.log(line)): StackOptions {
  const path = defaultRegistryPath(env)
  const overlays = overlayFiles(env)
  const registry = loadRegistryWithOverlays(path, overlays)
  const base = env.VECPODS_PORT_BASE ? Number(env.VECPODS_PORT_BASE) : DEFAULT_PORT_BASE
  if (!Number.isInteger(base) || base < 1024 || base > 65000) {
    throw new Error(`VECPODS_PORT_BASE must be a port number between 1024 and 65000, got "${env.VECPODS_PORT_BASE}"`)
  }
  return {
    root: repoRoot,
    shipped: loadRegistry(path),
    registry,
    overlays,
    projects: projectNames(registry),
    ports: localPorts(registry, base),
    stateDir: resolve(env.VECPODS_STATE_DIR ?? join(repoRoot, '.vecpods')),
    envFile: resolve(env.VECPODS_ENV_FILE ?? join(repoRoot, '.env.local')),
    pgBin: pgBinDir(env),
    log,
  }
}

/** A path as the stack prints it: relative to the project when inside it (no machine's absolute paths in output), else whole. */
export function shownPath(opts: Pick<StackOptions, 'root'>, path: string): string {
  const rel = relative(opts.root, path)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
}
