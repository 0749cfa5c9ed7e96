import { projectNames } from './parse.ts'
import type { Registry } from './schema.ts'

/** Supabase's local API port; each further project of the stack sits 100 ports higher. */
export const DEFAULT_PORT_BASE = 54321

/** The local ports of one project: the Supabase-shaped API, Postgres, and PostgREST behind the API. */
export interface ProjectPorts {
  api: number
  db: number
  postgrest: number
  /** The edge function (Deno) behind `/functions/v1`; served by the primary only. */
  functions: number
}

/** The port of a pod's read replica number `index` (0-based): its API port + 2 + index (the stack starts at most 4). */
export const replicaDbPort = (ports: ProjectPorts, index: number) => ports.api + 2 + index

/** Ports for every project, primary first: api = base + 100·i, db = api + 1, PostgREST = api + 8, functions = api + 9. */
export function localPorts(registry: Registry, base = DEFAULT_PORT_BASE): Map<string, ProjectPorts> {
  return new Map(
    projectNames(registry).map((project, i) => {
      const api = base + 100 * i
      return [project, { api, db: api + 1, postgrest: api + 8, functions: api + 9 }]
    }),
  )
}
