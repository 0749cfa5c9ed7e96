// The generated Supabase projects, applied by the real Supabase CLI (`supabase db push --db-url`,
// no Docker needed) to fresh databases prepared as a new Supabase project comes: the API roles and
// schema `extensions`. A second push must find nothing to apply.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { migrationsDir } from '@vecpods/codegen'
import { PRIMARY } from '@vecpods/registry'
import { repoRoot } from '@vecpods/registry/node'
import { afterAll, describe, expect, it } from 'vitest'
import { adminSql, freshSupabaseDatabase, stackEndpoints, stackOptions } from '../../src/index.ts'

const opts = stackOptions(process.env, () => {})
const run = Date.now().toString(36)
const created: Array<{ adminUrl: string; db: string }> = []

/** `supabase db push` for one project directory; the CLI's own output, whole. */
function push(workdir: string, dbUrl: string): { status: number | null; output: string } {
  const cli = join(repoRoot, 'node_modules', '.bin', 'supabase')
  const result = spawnSync(cli, ['db', 'push', '--db-url', dbUrl, '--workdir', workdir, '--yes'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    timeout: 60_000,
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

afterAll(async () => {
  for (const { adminUrl, db } of created) {
    const sql = adminSql(adminUrl)
    await sql.unsafe(`drop database if exists "${db}" with (force)`).finally(() => sql.end())
  }
})

describe('the Supabase CLI applies the generated migrations', () => {
  it.each(opts.projects.map((p) => [p]))('%s: a first push applies every file, a second finds nothing to do', async (project) => {
    const endpoint = (await stackEndpoints(opts)).find((e) => e.project === project)!
    const db = `vecpods_cli_${project}_${run}`
    const dbUrl = await freshSupabaseDatabase(endpoint.dbUrl, db)
    created.push({ adminUrl: endpoint.dbUrl, db })
    const fresh = adminSql(dbUrl)
    // The CLI takes 127.0.0.1 for its own local database only on its default port; on any other
    // port it says "remote" and insists on TLS, which a local cluster does not offer.
    const cliUrl = `${dbUrl}?sslmode=disable`
    try {
      const files = readdirSync(join(repoRoot, migrationsDir(project)))
        .filter((f) => f.endsWith('.sql'))
        .sort()
      // The primary is the repository's own project; each pod is a project under supabase/pods/<pod>.
      const workdir = project === PRIMARY ? repoRoot : join(repoRoot, 'supabase', 'pods', project)

      const first = push(workdir, cliUrl)
      expect(first.status, first.output).toBe(0)
      for (const f of files) expect(first.output).toContain(`Applying migration ${f}...`)
      const versions = await fresh<{ version: string }[]>`select version from supabase_migrations.schema_migrations order by version`
      expect(versions.map((v) => v.version)).toEqual(files.map((f) => f.slice(0, 14)))
      // What the migrations made: each collection's table on its pod, a foreign table per pod collection
      // on the primary (a collection with owners: vecpods.<name>_rows, behind the view public.<name>).
      const relations = await fresh<{ name: string }[]>`
        select format('%s.%s', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where (n.nspname = 'vecs' and c.relkind = 'r') or (n.nspname in ('public', 'vecpods') and c.relkind = 'f' and c.relname not like 'text\\_%') order by 1`
      const expected = Object.entries(opts.shipped.collections)
        .filter(([, col]) => (project === PRIMARY ? col.pod !== PRIMARY && col.onPrimary === 'foreign_table' : col.pod === project))
        .map(([name, col]) => (project === PRIMARY ? (col.owner ? `vecpods.${name}_rows` : `public.${name}`) : `vecs.${name}`))
        .sort()
      expect(relations.map((r) => r.name)).toEqual(expected)

      const second = push(workdir, cliUrl)
      expect(second.status, second.output).toBe(0)
      expect(second.output).toMatch(/database is up to date/)
      expect(second.output).not.toContain('Applying migration')
    } finally {
      await fresh.end()
    }
  })
})
