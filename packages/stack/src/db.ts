import postgres from 'postgres'

/** Superuser connection to one project's database, for bootstrap and migrations. */
export function adminSql(dbUrl: string): postgres.Sql {
  return postgres(dbUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 })
}

export type AdminSql = ReturnType<typeof adminSql>

/** True when an HTTP GET answers 2xx within 2 s. */
export async function httpOk(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) })
  await res.body?.cancel()
  return res.ok
}
