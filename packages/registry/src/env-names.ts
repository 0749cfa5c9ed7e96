import { PRIMARY, type Registry } from './schema.ts'

/** The environment variables that hold one project's connection settings. */
export interface ProjectEnvNames {
  dbUrl: string
  restUrl: string
  serviceKey: string
  anonKey: string
  jwtSecret: string
}

/**
 * Names of the variables holding a project's settings: those the registry gives, else
 * `VECPODS_<PROJECT>_DB_URL`, `_URL`, `_SERVICE_ROLE_KEY`, `_ANON_KEY` and `_JWT_SECRET`.
 */
export function projectEnvNames(registry: Registry, project: string): ProjectEnvNames {
  const given = project === PRIMARY ? registry.primary.env : registry.pods[project]?.env
  if (project !== PRIMARY && !registry.pods[project]) throw new Error(`unknown project "${project}"`)
  const prefix = `VECPODS_${project.toUpperCase()}`
  return {
    dbUrl: given?.dbUrl ?? `${prefix}_DB_URL`,
    restUrl: given?.restUrl ?? `${prefix}_URL`,
    serviceKey: given?.serviceKey ?? `${prefix}_SERVICE_ROLE_KEY`,
    anonKey: given?.anonKey ?? `${prefix}_ANON_KEY`,
    // The primary's secret verifies callers' JWTs at the edge (VECPODS_JWT_SECRET, as the stack writes it).
    jwtSecret: given?.jwtSecret ?? (project === PRIMARY ? 'VECPODS_JWT_SECRET' : `${prefix}_JWT_SECRET`),
  }
}

/** The variable holding a read replica's database URL: the registry's, else `VECPODS_<POD>_<REPLICA>_DB_URL`. */
export function replicaEnvName(registry: Registry, pod: string, replica: string): string {
  const entry = registry.pods[pod]?.replicas.find((r) => r.name === replica)
  if (!entry) throw new Error(`pod "${pod}" has no replica "${replica}"`)
  return entry.env?.dbUrl ?? `VECPODS_${pod.toUpperCase()}_${replica.toUpperCase()}_DB_URL`
}
