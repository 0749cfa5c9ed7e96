import { join } from 'node:path'
import type { ProjectEndpoints } from './env-file.ts'
import type { StackOptions } from './options.ts'
import { waitFor } from './ports.ts'
import { tail } from './process.ts'
import type { loadSecrets } from './secrets.ts'

export type ComponentKind = 'postgres' | 'postgrest' | 'api' | 'functions'

export interface ComponentStatus {
  project: string
  component: ComponentKind
  running: boolean
  url: string
  detail?: string
}

/** What the components of one stack share while it starts: secrets, URLs and keys, the env file's variables. */
export interface StackContext {
  opts: StackOptions
  secrets: ReturnType<typeof loadSecrets>
  endpoints: ProjectEndpoints[]
  env: Record<string, string>
}

/** One process of the local stack: how to tell it runs, start it, stop it and report it. */
export interface Component {
  /** How `down` reports it: `pod_a postgres`, `gateway`, … */
  name: string
  /** The ports it listens on, checked free before anything starts. */
  ports: { port: number; what: string }[]
  running(): boolean
  start(ctx: StackContext): Promise<void>
  /** Work done on every `up` once it runs (a database's migrations). */
  provision?(ctx: StackContext): Promise<void>
  stop(): Promise<boolean>
  status(ctx: StackContext): Promise<ComponentStatus[]>
}

export const runDir = (opts: StackOptions) => join(opts.stateDir, 'run')
export const logDir = (opts: StackOptions) => join(opts.stateDir, 'logs')
export const pad = (project: string) => project.padEnd(10)
export const endpointOf = (ctx: StackContext, project: string) => ctx.endpoints.find((e) => e.project === project)!

/** Waits for a started process to answer, or fails with the last lines of its log. */
export const healthy = (what: string, logFile: string, check: () => Promise<boolean>, timeoutMs?: number) =>
  waitFor(what, check, timeoutMs).catch((error) => {
    throw new Error(`${(error as Error).message}\n${tail(logFile)}`)
  })
