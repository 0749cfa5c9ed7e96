import { PRIMARY, type Registry } from '@vecpods/registry'
import type { AdminSql } from './db.ts'
import type { ProjectSecrets } from './secrets.ts'

type Sql = AdminSql

/** Pods that have a collection the primary reaches through a foreign table. */
export function fdwPods(registry: Registry): string[] {
  const pods = Object.values(registry.collections)
    .filter((c) => c.pod !== PRIMARY && c.onPrimary === 'foreign_table')
    .map((c) => c.pod)
  return [...new Set(pods)]
}

/** Gives a pod's read-only `vecpods_fdw` role its login (after the pod's migrations made the role). */
export async function enableFdwLogin(pod: Sql, secrets: ProjectSecrets): Promise<void> {
  // ALTER ROLE takes no bind parameters; the password is a generated base64url token.
  await pod.unsafe(`alter role vecpods_fdw login password '${secrets.fdwPassword.replaceAll("'", "''")}'`)
}

/** Points the primary's foreign server for a pod at the pod's database, as `vecpods_fdw`. */
export async function connectPod(primary: Sql, pod: string, port: number, secrets: ProjectSecrets): Promise<void> {
  await primary`select vecpods.connect_pod(${pod}, '127.0.0.1', ${port}, 'postgres', 'vecpods_fdw', ${secrets.fdwPassword})`
}

/**
 * Refreshes the primary's statistics of its foreign tables (postgres_fdw samples the pods).
 * Autovacuum never analyzes foreign tables; without statistics the planner guesses how many rows
 * a filter matches, and it pushes a search's LIMIT to the pod only when it expects more.
 */
export async function analyzeForeignTables(primary: Sql, options: { onlyNeverAnalyzed?: boolean } = {}): Promise<string[]> {
  const tables = await primary<{ name: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_foreign_table f on f.ftrelid = c.oid
    join pg_foreign_server s on s.oid = f.ftserver
    where s.srvname like 'vecpods\_%' and (not ${options.onlyNeverAnalyzed ?? false} or c.reltuples < 0) order by 1`
  for (const t of tables) await primary.unsafe(`analyze ${t.name}`)
  return tables.map((t) => t.name)
}
