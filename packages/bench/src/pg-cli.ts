/**
 * How PostgreSQL's command-line tools (psql, pgbench) reach a database given by URL: the
 * connection arguments (host, port, user, and the database name last, as the positional argument
 * both take: pgbench's `-d` means debug) and the password in the environment.
 */
export function pgCli(dbUrl: string): { connect: string[]; env: NodeJS.ProcessEnv } {
  const url = new URL(dbUrl)
  return {
    connect: ['-h', url.hostname, '-p', url.port, '-U', decodeURIComponent(url.username), url.pathname.slice(1)],
    env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
  }
}
