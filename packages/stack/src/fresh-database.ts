import { adminSql } from './db.ts'

/**
 * What a new Supabase project has before its first migration: the API roles and schema
 * `extensions` (roles are per cluster, so it is idempotent).
 */
export const SUPABASE_BASELINE_SQL = `
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
end
$$;
create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
`

/**
 * A new database `name` on the cluster `adminUrl` (a superuser's URL to its `postgres` database),
 * prepared as a new Supabase project comes; returns its URL.
 */
export async function freshSupabaseDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = adminSql(adminUrl)
  await admin.unsafe(`create database "${name}"`).finally(() => admin.end())
  const url = adminUrl.replace(/\/postgres$/, `/${name}`)
  const sql = adminSql(url)
  await sql.unsafe(SUPABASE_BASELINE_SQL).finally(() => sql.end())
  return url
}
