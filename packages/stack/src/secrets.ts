import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SignJWT } from 'jose'

/** One project's local secrets, generated once and kept in the state directory (git-ignored). */
export interface ProjectSecrets {
  jwtSecret: string
  dbPassword: string
  authenticatorPassword: string
  /** The pod's `vecpods_fdw` login, which the primary's postgres_fdw user mapping uses. */
  fdwPassword: string
}

/** The two API keys a Supabase project hands out: JWTs signed with the project's secret. */
export interface ProjectKeys {
  anonKey: string
  serviceRoleKey: string
}

const token = (bytes: number) => randomBytes(bytes).toString('base64url')

/** Reads the stack's secrets, creating any project's that are missing. */
export function loadSecrets(stateDir: string, projects: string[]): Record<string, ProjectSecrets> {
  const file = join(stateDir, 'secrets.json')
  const secrets: Record<string, ProjectSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}
  let changed = false
  for (const project of projects) {
    const fresh = { jwtSecret: token(48), dbPassword: token(18), authenticatorPassword: token(18), fdwPassword: token(18) }
    const had = secrets[project]
    // Fields added in later versions are filled in; existing ones are never changed.
    const merged = { ...fresh, ...had }
    if (!had || Object.keys(merged).length !== Object.keys(had).length) {
      secrets[project] = merged
      changed = true
    }
  }
  if (changed) {
    mkdirSync(stateDir, { recursive: true })
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  }
  return secrets
}

/** Signs a role JWT the way Supabase's API keys are made (HS256, long-lived). */
export async function signRoleKey(jwtSecret: string, role: string, project: string): Promise<string> {
  const issuedAt = 1764028800 // 2025-11-25: fixed so the same secret always yields the same key
  return new SignJWT({ role, ref: project })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('vecpods-local')
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 10 * 365 * 24 * 3600)
    .sign(new TextEncoder().encode(jwtSecret))
}

/**
 * A signed-in user's access token as the project's auth server would issue it (HS256, role
 * authenticated, short-lived): how the local stack's tests and demo sign users in without one.
 */
export async function signUserToken(jwtSecret: string, claims: { sub: string } & Record<string, unknown>, expiresIn = '1h'): Promise<string> {
  return new SignJWT({ role: 'authenticated', aud: 'authenticated', ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('vecpods-local')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(jwtSecret))
}

export async function projectKeys(secrets: ProjectSecrets, project: string): Promise<ProjectKeys> {
  return {
    anonKey: await signRoleKey(secrets.jwtSecret, 'anon', project),
    serviceRoleKey: await signRoleKey(secrets.jwtSecret, 'service_role', project),
  }
}
