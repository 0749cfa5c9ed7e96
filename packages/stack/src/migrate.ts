import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { GENERATED_MARK } from '@vecpods/codegen'
import type postgres from 'postgres'

export interface MigrationResult {
  applied: string[]
  reapplied: string[]
  unchanged: number
}

/** Thrown when a hand-written migration changed after it was applied. */
export class MigrationChangedError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed after it was applied; write a new migration instead, or wipe local data with \`pnpm stack reset\``)
    this.name = 'MigrationChangedError'
  }
}

/**
 * Applies a project's migration files in version order, each in its own transaction, and records
 * them in `supabase_migrations.schema_migrations` as the Supabase CLI does. A generated file whose
 * content changed is applied again (generated SQL is idempotent); a hand-written one is refused.
 */
export async function migrate(sql: postgres.Sql, dir: string): Promise<MigrationResult> {
  const result: MigrationResult = { applied: [], reapplied: [], unchanged: 0 }
  if (!existsSync(dir)) return result
  const files = readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
  const rows = await sql<{ version: string; statements: string[] | null }[]>`
    select version, statements from supabase_migrations.schema_migrations`
  const done = new Map(rows.map((r) => [r.version, r.statements?.join('\n') ?? '']))
  for (const file of files) {
    const [, version, name] = /^(\d+)_(.+)\.sql$/.exec(file)!
    const content = readFileSync(join(dir, file), 'utf8')
    const previous = done.get(version!)
    if (previous === content) {
      result.unchanged++
      continue
    }
    if (previous !== undefined && !content.includes(GENERATED_MARK)) throw new MigrationChangedError(join(dir, file))
    await sql.begin(async (tx) => {
      await tx.unsafe(content)
      await tx`
        insert into supabase_migrations.schema_migrations (version, statements, name)
        values (${version!}, ${[content]}, ${name!})
        on conflict (version) do update set statements = excluded.statements, name = excluded.name`
    })
    ;(previous === undefined ? result.applied : result.reapplied).push(file)
  }
  if (result.applied.length + result.reapplied.length) await sql`notify pgrst, 'reload schema'`
  return result
}
