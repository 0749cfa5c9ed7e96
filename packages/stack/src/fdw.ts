import type postgres from 'postgres'

/** The stack's admin connections, or the CLI's own (`vecpods deploy`). */
type Sql = postgres.Sql

/** Where the primary's foreign server for a pod points: the pod's database (or one of its replicas). */
export interface FdwTarget {
  host: string
  port: number
  dbname: string
}

/** Gives a pod's read-only `vecpods_fdw` role its login (after the pod's migrations made the role). */
export async function enableFdwLogin(pod: Sql, password: string): Promise<void> {
  // ALTER ROLE takes no bind parameters: the password goes in as a quoted literal.
  await pod.unsafe(`alter role vecpods_fdw login password '${password.replaceAll("'", "''")}'`)
}

/** Points the primary's foreign server for a pod at the pod's database, as `vecpods_fdw`. */
export async function connectPod(primary: Sql, pod: string, target: FdwTarget, password: string): Promise<void> {
  await primary`select vecpods.connect_pod(${pod}, ${target.host}, ${target.port}, ${target.dbname}, 'vecpods_fdw', ${password})`
}

/**
 * Refreshes the primary's statistics of its foreign tables (postgres_fdw samples the pods).
 * Autovacuum never analyzes foreign tables; without statistics the planner guesses how many rows
 * a filter matches, and it pushes a search's LIMIT to the pod only when it expects more.
 */
export async function analyzeForeignTables(primary: Sql, options: { onlyNeverAnalyzed?: boolean; pod?: string } = {}): Promise<string[]> {
  const servers = options.pod === undefined ? 'vecpods\\_%' : `vecpods\\_${options.pod}`
  const tables = await primary<{ name: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_foreign_table f on f.ftrelid = c.oid
    join pg_foreign_server s on s.oid = f.ftserver
    where s.srvname like ${servers} and (not ${options.onlyNeverAnalyzed ?? false} or c.reltuples < 0) order by 1`
  for (const t of tables) await primary.unsafe(`analyze ${t.name}`)
  return tables.map((t) => t.name)
}
