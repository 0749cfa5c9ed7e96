import { writeFileSync } from 'node:fs'
import { PRIMARY, projectEnvNames, type Registry } from '@vecpods/registry'
import type { ProjectKeys, ProjectSecrets } from './secrets.ts'

export interface ProjectEndpoints {
  project: string
  apiUrl: string
  dbUrl: string
  keys: ProjectKeys
  /** The project's JWT secret: the edge signs callers' tokens for a pod it reaches over REST. */
  jwtSecret: string
}

export function endpoints(project: string, ports: { api: number; db: number }, secrets: ProjectSecrets, keys: ProjectKeys): ProjectEndpoints {
  return {
    project,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    dbUrl: `postgresql://postgres:${encodeURIComponent(secrets.dbPassword)}@127.0.0.1:${ports.db}/postgres`,
    keys,
    jwtSecret: secrets.jwtSecret,
  }
}

/** The variables the registry names for each project, with the local stack's values. */
export function stackEnv(registry: Registry, projects: ProjectEndpoints[], jwtSecret?: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const p of projects) {
    const names = projectEnvNames(registry, p.project)
    env[names.restUrl] = p.apiUrl
    env[names.anonKey] = p.keys.anonKey
    env[names.serviceKey] = p.keys.serviceRoleKey
    env[names.dbUrl] = p.dbUrl
    if (p.project !== PRIMARY) env[names.jwtSecret] = p.jwtSecret
  }
  const primary = projects.find((p) => p.project === PRIMARY)
  if (primary) {
    // For the Vite demo: only the primary's public URL and anon key are safe in a browser bundle.
    env.VITE_SUPABASE_URL = primary.apiUrl
    env.VITE_SUPABASE_ANON_KEY = primary.keys.anonKey
  }
  // The edge function verifies callers' JWTs with the primary project's secret.
  if (jwtSecret) env.VECPODS_JWT_SECRET = jwtSecret
  return env
}

export function writeEnvFile(path: string, env: Record<string, string>): void {
  const lines = Object.entries(env).map(([k, v]) => `${k}=${v}`)
  writeFileSync(path, `# Written by \`pnpm stack up\` for the local vecpods stack. Git-ignored; holds local-only secrets.\n${lines.join('\n')}\n`, {
    mode: 0o600,
  })
}
