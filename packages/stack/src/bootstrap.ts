import type postgres from 'postgres'
import type { ProjectSecrets } from './secrets.ts'

/**
 * What a new Supabase project already has before its first migration, recreated for a local
 * cluster: the API roles, the `extensions` schema, the default privileges Supabase grants in
 * `public` (so generated migrations must revoke what they do not want exposed), and the
 * Supabase CLI's migration history table. Idempotent.
 */
export async function bootstrapProject(sql: postgres.Sql, secrets: ProjectSecrets): Promise<void> {
  await sql.unsafe(`
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then create role authenticator login noinherit; end if;
end
$$;
grant anon, authenticated, service_role to authenticator;
alter role authenticator set statement_timeout = '8s';
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
alter database postgres set search_path = "$user", public, extensions;

grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  statements text[],
  name text
);
`)
  // The password is a parameter-free literal here because ALTER ROLE takes no bind parameters.
  await sql.unsafe(`alter role authenticator password '${secrets.authenticatorPassword.replaceAll("'", "''")}'`)
}
