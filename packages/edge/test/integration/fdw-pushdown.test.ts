import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createClient } from '@supabase/supabase-js'
import { loadRegistry, repoRoot } from '@vecpods/registry/node'
import { analyzeForeignTables, loadSecrets, type ProjectEndpoints, stackEndpoints, stackEnvironment, stackOptions } from '@vecpods/stack'
import fc from 'fast-check'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { compileFilter, createApp, type EdgeConfig, loadLocalConfig, parseFilter } from '../../src/index.ts'
import { prng, unit } from '../random.ts'

// The primary reaches pod collections through postgres_fdw foreign tables. What runs on the pod
// is read off EXPLAIN (VERBOSE) on the primary: the filter, the ORDER BY distance and the LIMIT
// must be in the Remote SQL, with no Sort on the primary.
const opts = stackOptions(process.env, () => {})
const run = `fdw-${Date.now().toString(36)}`
let config: EdgeConfig
let app: ReturnType<typeof createApp>
let primary: ProjectEndpoints
let podA: ProjectEndpoints
let db: postgres.Sql
let notices: string[] = []

const random = prng(11)
const vectorText = (v: number[]) => `[${v.join(',')}]`
// 1,500 rows whose fields make every filter form below match far more rows than the limit.
const rows = Array.from({ length: 1500 }, (_, i) => ({
  id: `${run}-${i}`,
  vector: unit(Array.from({ length: 384 }, () => random() - 0.5)),
  metadata: {
    run,
    lang: ['en', 'de', 'fr'][i % 3]!,
    year: 2000 + (i % 20),
    tags: i % 2 ? ['a', 'b'] : ['c'],
    draft: i % 4 === 0,
    ...(i % 2 ? { title: `t${i % 7}` } : {}),
  },
}))
const query = rows[3]!.vector

/** Every form the filter compiler emits, each matching at least a quarter of the rows. */
const FORMS: Record<string, Record<string, unknown>> = {
  'containment ($eq)': { lang: { $eq: 'en' } },
  'negated containment ($ne)': { lang: { $ne: 'en' } },
  'jsonpath comparison ($gte)': { year: { $gte: 2005 } },
  'jsonpath comparison on strings ($lt)': { lang: { $lt: 'f' } },
  'or of containments ($in)': { lang: { $in: ['en', 'de'] } },
  'negated or ($nin)': { lang: { $nin: ['fr'] } },
  'array containment ($contains)': { tags: { $contains: 'a' } },
  'jsonpath exists ($exists)': { title: { $exists: true } },
  'negated exists': { title: { $exists: false } },
  'nested $and / $or': { $or: [{ lang: { $eq: 'en' } }, { $and: [{ year: { $lt: 2010 } }, { draft: { $eq: false } }] }] },
}

beforeAll(async () => {
  config = loadLocalConfig(loadRegistry(), await stackEnvironment(opts))
  app = createApp(config)
  const eps = await stackEndpoints(opts)
  primary = eps.find((e) => e.project === 'primary')!
  podA = eps.find((e) => e.project === 'pod_a')!
  for (let i = 0; i < rows.length; i += 500) {
    const res = await app.request('/collections/docs/records', {
      method: 'POST',
      headers: { authorization: `Bearer ${primary.keys.serviceRoleKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ records: rows.slice(i, i + 500) }),
    })
    expect(res.status).toBe(200)
  }
  db = postgres(primary.dbUrl, { max: 1, prepare: false, onnotice: (n) => notices.push(String(n.message)) })
  await analyzeForeignTables(db)
})

afterAll(async () => {
  await app.request('/collections/docs/records', {
    method: 'DELETE',
    headers: { authorization: `Bearer ${primary.keys.serviceRoleKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filters: { run: { $eq: run } } }),
  })
  await db.end()
  await Promise.all([...config.pods.values()].map((p) => p.close()))
})

/** The plan of one statement as EXPLAIN (VERBOSE) prints it, with parameters bound. */
async function explain(sql: postgres.Sql | postgres.TransactionSql, text: string, params: unknown[]): Promise<string> {
  const plan = await sql.unsafe(`explain (verbose, costs off) ${text}`, params as never)
  return plan.map((r) => r['QUERY PLAN'] as string).join('\n')
}
const remoteSql = (plan: string) =>
  plan
    .split('\n')
    .find((l) => l.trim().startsWith('Remote SQL:'))
    ?.trim() ?? ''
const bind = (f: ReturnType<typeof compileFilter>) => f.params.map((p, i) => (f.types[i] === 'jsonb' ? JSON.parse(p) : p))

describe('postgres_fdw pushdown, read off EXPLAIN (VERBOSE) on the primary', () => {
  it.each(Object.entries(FORMS))('%s: filter, ORDER BY <=> and LIMIT run on the pod; no Sort here', async (_, filter) => {
    const compiled = compileFilter(parseFilter({ $and: [{ run: { $eq: run } }, filter] }), 'metadata', 2)
    const text = `select id from public.docs where ${compiled.sql} order by embedding operator(extensions.<=>) $1::extensions.vector limit 10`
    const plan = await db.begin(async (tx) => {
      // As inside match_<name>: sorting on the primary is ruled out.
      await tx.unsafe('set local enable_sort = off')
      return explain(tx, text, [vectorText(query), ...bind(compiled)])
    })
    const remote = remoteSql(plan)
    expect(plan).toMatch(/^Foreign Scan on public\.docs/)
    expect(plan).not.toMatch(/\bSort\b/)
    expect(remote).toMatch(/ORDER BY \(embedding OPERATOR\(extensions\.<=>\) '\[/)
    expect(remote).toMatch(/LIMIT 10::bigint$/)
    for (const op of compiled.sql.match(/@>|@@|@\?/g)!) expect(remote).toContain(` ${op} `)
    expect(remote).toContain(`'{"run": "${run}"}'`)
  })

  it('match_docs runs its whole query on the pod: only match_count rows cross', async () => {
    notices = []
    await db.unsafe(`load 'auto_explain'`)
    await db.unsafe(
      `set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set auto_explain.log_verbose = on; set auto_explain.log_analyze = on; set client_min_messages = log`,
    )
    const found = await db`select id from public.match_docs(${vectorText(query)}::extensions.vector, 7, ${db.json({ run })}, '$.year >= 2005'::jsonpath)`
    await db.unsafe(`set client_min_messages = notice; set auto_explain.log_min_duration = -1`)
    expect(found).toHaveLength(7)
    const plan = notices.find((n) => n.includes('public.docs t'))!
    expect(plan).toMatch(/Foreign Scan on public\.docs t .*\(actual time=[\d.]+\.\.[\d.]+ rows=7 loops=1\)/)
    expect(plan).not.toMatch(/\bSort\b|\bLimit\b/)
    expect(remoteSql(plan)).toMatch(
      /WHERE \(\(metadata @> '\{"run": "fdw-[a-z0-9]+"\}'\)\) AND \(\(metadata @@ '\(\$\."year" >= 2005\)'::jsonpath\)\) ORDER BY .* LIMIT 7::bigint$/,
    )
  })
})

describe('results through the primary', () => {
  it('match_docs equals the same search run on the pod directly', async () => {
    // Logged in as the primary's mapped user, so the pod session has the same role settings.
    const fdwUrl = new URL(podA.dbUrl)
    fdwUrl.username = 'vecpods_fdw'
    fdwUrl.password = loadSecrets(opts.stateDir, ['pod_a']).pod_a!.fdwPassword
    const pod = postgres(fdwUrl.toString(), { max: 1, prepare: false, onnotice: () => {} })
    try {
      for (const q of [0, 10, 20]) {
        const v = vectorText(rows[q]!.vector)
        const viaPrimary = await db`select id, score from public.match_docs(${v}::extensions.vector, 10, ${db.json({ run, lang: 'de' })})`
        // The query postgres_fdw sends, run the way it runs it (a cursor, on the pod's view), so the
        // pod plans both alike: a cursor favours the fast-start HNSW scan over an exact sort.
        const direct = await pod.begin(async (tx) => {
          await tx.unsafe(
            `declare c cursor for select id, 1 - (embedding operator(extensions.<=>) $1::extensions.vector) as score from public.docs
             where metadata @> $2::jsonb order by embedding operator(extensions.<=>) $1::extensions.vector limit 10`,
            [v, { run, lang: 'de' }] as never,
          )
          return tx.unsafe('fetch all from c')
        })
        expect(viaPrimary.map((r) => r.id)).toEqual(direct.map((r) => r.id))
        expect(viaPrimary.map((r) => r.score)).toEqual(direct.map((r) => r.score))
      }
    } finally {
      await pod.end()
    }
  })

  it('supabase-js as anon: .from("docs") and .rpc("match_docs") on the primary return the pod rows', async () => {
    const anon = createClient(primary.apiUrl, primary.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } })
    const { data: one, error } = await anon.from('docs').select('id, url, metadata').eq('id', `${run}-5`).single()
    expect(error).toBeNull()
    expect(one).toEqual({ id: `${run}-5`, url: null, metadata: rows[5]!.metadata })
    const { data: hits, error: rpcError } = await anon.rpc('match_docs', { query_embedding: vectorText(query), match_count: 3, filter: { run } })
    expect(rpcError).toBeNull()
    expect((hits as { id: string; score: number }[]).map((h) => h.id)[0]).toBe(`${run}-3`)
    expect((hits as { score: number }[])[0]!.score).toBeCloseTo(1, 5)
  })

  it('service-only collections stay invisible to anon on the primary', async () => {
    const anon = createClient(primary.apiUrl, primary.keys.anonKey, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } })
    const openapi = (await (await fetch(`${primary.apiUrl}/rest/v1/`, { headers: { apikey: primary.keys.anonKey } })).json()) as {
      paths: Record<string, unknown>
    }
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/docs', '/posts', '/api', '/rpc/match_docs']))
    expect(Object.keys(openapi.paths).filter((p) => p.includes('drafts'))).toEqual([])
    expect((await anon.from('drafts').select('id')).error?.code).toBe('42501')
    expect((await anon.rpc('match_drafts', { query_embedding: vectorText(query) })).error?.code).toBe('42501')
    const service = createClient(primary.apiUrl, primary.keys.serviceRoleKey, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } })
    expect((await service.from('drafts').select('id').limit(1)).error).toBeNull()
  })
})

describe('the generated primary migrations', () => {
  it('apply cleanly twice more on a running primary, and the foreign tables keep answering', async () => {
    const dir = join(repoRoot, 'supabase', 'migrations')
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
    expect(files.filter((f) => f.includes('_foreign_table_'))).toEqual([
      '20261125000100_foreign_table_docs.sql',
      '20261125000200_foreign_table_posts.sql',
      '20261125000300_foreign_table_drafts.sql',
      '20261125000400_foreign_table_api.sql',
      '20261125000500_foreign_table_notes.sql',
      '20261125000600_foreign_table_team_docs.sql',
    ])
    for (let round = 0; round < 2; round++) {
      for (const f of files) await db.unsafe(readFileSync(join(dir, f), 'utf8'))
    }
    await analyzeForeignTables(db)
    const [{ n }] = (await db`select count(*)::int as n from public.docs where metadata @> ${db.json({ run })}`) as unknown as [{ n: number }]
    expect(n).toBe(rows.length)
  })
})

describe('the compiler only emits pushable forms', () => {
  const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null))
  const ordered = fc.oneof(fc.string({ maxLength: 6 }), fc.integer())
  const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !k.startsWith('$'))
  const leaf = fc
    .tuple(
      key,
      fc.oneof(
        fc.record({ $eq: scalar }),
        fc.record({ $ne: scalar }),
        fc.record({ $gt: ordered }),
        fc.record({ $lte: ordered }),
        fc.record({ $in: fc.array(scalar, { minLength: 1, maxLength: 3 }) }),
        fc.record({ $nin: fc.array(scalar, { minLength: 1, maxLength: 3 }) }),
        fc.record({ $contains: scalar }),
        fc.record({ $exists: fc.boolean() }),
      ),
    )
    .map(([k, ops]) => ({ [k]: ops }))
  const { filter } = fc.letrec<{ filter: Record<string, unknown> }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.record({ $and: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ $or: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
    ),
  }))
  // The SQL may hold only: parentheses, and/or/not, and `metadata <@>|@@|@?> $n::jsonb|jsonpath`.
  // Never ->>, ->, ?, casts of fields, or any value: those would pull rows to the primary.
  const PUSHABLE = /^(?:\(|\)|\s|and|or|not|metadata (?:@>|@@|@\?) \$\d+::(?:jsonb|jsonpath))*$/

  it('for 1,000 generated filters, every SQL token is containment, jsonpath or boolean glue', () => {
    fc.assert(
      fc.property(filter, (f) => {
        const { sql, params } = compileFilter(parseFilter(f))
        expect(sql).toMatch(PUSHABLE)
        expect(sql.match(/\$\d+/g)!.length).toBe(params.length)
      }),
      { numRuns: 1000, seed: 5 },
    )
  })
})
