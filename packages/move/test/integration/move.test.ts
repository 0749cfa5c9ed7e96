import { readFileSync } from 'node:fs'
import { PRIMARY, projectEnvNames } from '@vecpods/registry'
import { defaultRegistryPath, loadRegistryWithOverlays, repoRoot } from '@vecpods/registry/node'
import { adminSql, loadSecrets, overlayFiles, type ProjectEndpoints, signUserToken, stackEndpoints, stackEnvironment, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { abortMove, finishMove, type MoveContext, type MoveResult, moveCollection, PHASES, type Phase } from '../../src/index.ts'

// pnpm move on the real stack: move_probe (5,000 rows, local-stack overlay) goes from its pod to
// the other one while searches and upserts run through the edge function, then back; and a move
// is aborted from every phase before the switch.
const COLLECTION = 'move_probe'
const ROWS = 5_000
const run = `mv-${Date.now().toString(36)}`
const opts = stackOptions(process.env, () => {})
const files = [defaultRegistryPath(), ...overlayFiles(process.env)]
const overlayText = () => files.map((f) => readFileSync(f, 'utf8')).join('\n')
let before = ''
let eps: ProjectEndpoints[]
let env: Record<string, string>
let ctx: MoveContext

const dbOf = (project: string) => eps.find((e) => e.project === project)!.dbUrl
const sqlOf = (project: string) => adminSql(dbOf(project))
const other = (pod: string) => (pod === 'pod_b' ? 'pod_c' : 'pod_b')

async function placementOf(collection = COLLECTION): Promise<string> {
  const sql = sqlOf(PRIMARY)
  try {
    const [row] = await sql<{ pod: string }[]>`select pod from vecpods.placements where collection = ${collection}`
    return row!.pod
  } finally {
    await sql.end()
  }
}

async function scalar<T>(project: string, query: string): Promise<T> {
  const sql = sqlOf(project)
  try {
    const [row] = await sql.unsafe(query)
    return Object.values(row!)[0] as T
  } finally {
    await sql.end()
  }
}

const unit = () => {
  const v = Array.from({ length: 384 }, () => Math.random() - 0.5)
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

beforeAll(async () => {
  before = overlayText()
  eps = await stackEndpoints(opts)
  env = await stackEnvironment(opts)
  const registry = loadRegistryWithOverlays(files[0]!, files.slice(1))
  ctx = { registry, registryFiles: files, root: repoRoot, dbUrl: (p) => env[projectEnvNames(registry, p).dbUrl]! }
  // A run that died half way leaves its move behind: undo it, or finish it when it had switched.
  await abortMove(ctx, COLLECTION).catch(() => finishMove(ctx, COLLECTION))
  const pod = await placementOf()
  const sql = sqlOf(pod)
  try {
    await sql`delete from vecs.move_probe where metadata ? 'load'`
    // A stack seeded by an earlier version of this test holds more probe rows: keep the first ROWS.
    await sql`delete from vecs.move_probe where (metadata ->> 'i')::int > ${ROWS}`
    // The rows below come from SQL, the load's from the edge: record the edge's model for them.
    const catalog = await fetch(`${env.SUPABASE_URL}/functions/v1/vector-search/collections`, {
      headers: { apikey: env.SUPABASE_SERVICE_ROLE_KEY!, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}` },
    })
    const model = ((await catalog.json()) as { meta: { model: string } }).meta.model
    await sql`update vecpods.collections set model = ${model} where name = 'move_probe'`
    const [{ n }] = (await sql`select count(*)::int as n from vecs.move_probe`) as unknown as [{ n: number }]
    if (n < ROWS) {
      await sql.unsafe(`insert into vecs.move_probe (id, vec, metadata)
        select 'p' || i, (select array_agg(random() - 0.5)::real[]::extensions.vector from generate_series(1, 384) where i > 0),
          jsonb_build_object('i', i, 'text', 'probe row ' || i || ' of the ' || (array['first', 'second', 'third'])[1 + i % 3] || ' kind')
        from generate_series(${n + 1}, ${ROWS}) i on conflict do nothing`)
    }
  } finally {
    await sql.end()
  }
}, 120_000)

afterAll(async () => {
  const pod = await placementOf()
  const sql = sqlOf(pod)
  await sql`delete from vecs.move_probe where metadata ? 'load'`.finally(() => sql.end())
})

/** Searches and upserts through the gateway until stopped: every search must answer 200; each upsert is retried on 503 until acknowledged. */
function load() {
  const headers = { apikey: env.SUPABASE_SERVICE_ROLE_KEY!, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`, 'content-type': 'application/json' }
  const base = `${env.SUPABASE_URL}/functions/v1/vector-search`
  const stats = { searches: 0, failedSearches: [] as string[], acked: [] as string[], refused: 0, longestRefusalMs: 0 }
  let stop = false
  const searcher = async () => {
    while (!stop) {
      const res = await fetch(`${base}/search`, { method: 'POST', headers, body: JSON.stringify({ collection: COLLECTION, vector: unit(), limit: 5 }) })
      const body = (await res.json()) as { data?: unknown[]; error?: { code: string } }
      stats.searches++
      if (res.status !== 200 || body.data?.length !== 5) stats.failedSearches.push(`${res.status} ${body.error?.code}`)
    }
  }
  const writer = async () => {
    for (let i = 0; !stop; i++) {
      const id = `${run}-${i}`
      let refusedSince: number | undefined
      for (;;) {
        const res = await fetch(`${base}/collections/${COLLECTION}/records`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ records: [{ id, vector: unit(), metadata: { load: run, i, text: `written while moving ${i}` } }] }),
        })
        await res.arrayBuffer()
        if (res.status === 200) break
        expect(res.status).toBe(503)
        expect(res.headers.get('retry-after')).toBe('1')
        stats.refused++
        refusedSince ??= performance.now()
        await new Promise((r) => setTimeout(r, 50))
      }
      if (refusedSince !== undefined) stats.longestRefusalMs = Math.max(stats.longestRefusalMs, performance.now() - refusedSince)
      stats.acked.push(id)
    }
  }
  const running = Promise.all([searcher(), searcher(), writer()])
  return {
    stats,
    stop: async () => {
      stop = true
      await running
    },
  }
}

describe('pnpm move on the real stack', () => {
  it('moves 5,000 rows to another pod under searches and upserts: no failed search, every acknowledged write on the target', async () => {
    const source = await placementOf()
    const target = other(source)
    const traffic = load()
    await new Promise((r) => setTimeout(r, 500))
    const phases: Phase[] = []
    const result: MoveResult = await moveCollection(ctx, { collection: COLLECTION, to: target, onProgress: (p) => phases.push(p.phase) })
    // Edges read the placement every 2 s: keep the traffic on until each has.
    await new Promise((r) => setTimeout(r, 2500))
    const { stats } = traffic
    await traffic.stop()

    expect(result).toMatchObject({ source, target, phase: 'switched' })
    expect(phases).toEqual(expect.arrayContaining([...PHASES]))
    expect(await placementOf()).toBe(target)
    expect(stats.searches).toBeGreaterThan(20)
    expect(stats.failedSearches).toEqual([])
    expect(stats.acked.length).toBeGreaterThan(5)
    const ids = stats.acked.map((id) => `'${id}'`).join(',')
    expect(await scalar<number>(target, `select count(*)::int from vecs.move_probe where id in (${ids})`)).toBe(stats.acked.length)
    expect(await scalar<number>(target, `select count(*)::int from vecs.move_probe`)).toBe(ROWS + stats.acked.length)
    // BM25's statistics on the target count every row, as a rebuild from its rows does.
    const textStats = async () =>
      scalar<string>(
        target,
        `select (select docs || '/' || tokens from vecpods.text_stats where collection = 'move_probe') || ' ' || (select string_agg(lexeme || ':' || df, ',' order by lexeme) from vecpods.text_terms where collection = 'move_probe')`,
      )
    const kept = await textStats()
    expect(kept).toMatch(new RegExp(`^${ROWS + stats.acked.length}/`))
    await scalar(target, `select vecpods.refresh_text_stats('move_probe')::text`)
    expect(await textStats()).toBe(kept)
    // The primary's foreign table now reads the target.
    expect(await scalar<number>(PRIMARY, `select count(*)::int from public.move_probe where metadata ->> 'load' = '${run}'`)).toBe(stats.acked.length)
    // The overlay declaring move_probe names the new pod.
    expect(overlayText()).toContain(`"pod": "${target}"`)
    console.log(
      `move: copy ${result.copy!.rows} rows in ${result.copy!.ms.toFixed(0)} ms, index ${result.indexBuildMs!.toFixed(0)} ms, caught up in ${result.catchUp!.ms.toFixed(0)} ms (lag ${result.catchUp!.lagBytes} bytes), writes refused on the source ${result.pauseMs!.toFixed(0)} ms; ` +
        `load: ${stats.searches} searches (0 failed), ${stats.acked.length} upserts acknowledged, ${stats.refused} refusals (503, retried), longest ${stats.longestRefusalMs.toFixed(0)} ms`,
    )

    await finishMove(ctx, COLLECTION)
    expect(await scalar<string | null>(source, `select to_regclass('vecs.move_probe')::text`)).toBeNull()
    expect(await scalar<number>(source, `select count(*)::int from pg_replication_slots`)).toBe(0)
    // And back, so the repository is as it was.
    await moveCollection(ctx, { collection: COLLECTION, to: source })
    await finishMove(ctx, COLLECTION)
    expect(await placementOf()).toBe(source)
    expect(overlayText()).toBe(before)
  }, 180_000)

  it.each(PHASES.filter((p) => p !== 'switched').map((p) => [p]))(
    'aborts cleanly after "%s"',
    async (phase) => {
      const source = await placementOf()
      const target = other(source)
      const rowsBefore = await scalar<number>(source, 'select count(*)::int from vecs.move_probe')
      const stopped = await moveCollection(ctx, { collection: COLLECTION, to: target, stopAfter: phase as Phase })
      expect(stopped.phase).toBe(phase)
      expect(await abortMove(ctx, COLLECTION)).toEqual({ phase })
      // Nothing left: no copy, no replication, no pause, no record; the source serves and takes writes.
      expect(await scalar<string | null>(target, `select to_regclass('vecs.move_probe')::text`)).toBeNull()
      expect(await scalar<number>(target, `select count(*)::int from pg_subscription`)).toBe(0)
      expect(await scalar<number>(source, `select count(*)::int from pg_publication`)).toBe(0)
      expect(await scalar<number>(source, `select count(*)::int from pg_replication_slots`)).toBe(0)
      expect(await scalar<number>(source, `select count(*)::int from pg_trigger where tgname = 'vecpods_move_pause'`)).toBe(0)
      expect(await scalar<number>(PRIMARY, `select count(*)::int from vecpods.moves`)).toBe(0)
      expect(await placementOf()).toBe(source)
      expect(await scalar<number>(source, 'select count(*)::int from vecs.move_probe')).toBe(rowsBefore)
      const sql = sqlOf(source)
      await sql`insert into vecs.move_probe (id, vec) values (${`${run}-after-${phase}`}, (select vec from vecs.move_probe limit 1))`
      await sql`delete from vecs.move_probe where id = ${`${run}-after-${phase}`}`
      await sql.end()
      expect(overlayText()).toBe(before)
    },
    60_000,
  )
})

describe('pnpm move of a collection with owners', () => {
  const OWNED = 'move_owned'
  const owners = [`${run}-u1`, `${run}-u2`, `${run}-u3`]
  const ownersOf = async (pod: string) => {
    const sql = sqlOf(pod)
    try {
      return (await sql`select id, owner_id from vecs.move_owned order by id`).map((r) => `${r.id}:${r.owner_id}`)
    } finally {
      await sql.end()
    }
  }

  it('keeps every row’s owner, and on its new pod each user still finds only its own rows', async () => {
    await abortMove(ctx, OWNED).catch(() => finishMove(ctx, OWNED))
    const source = await placementOf(OWNED)
    const target = other(source)
    const sql = sqlOf(source)
    try {
      await sql`delete from vecs.move_owned`
      await sql.unsafe(`insert into vecs.move_owned (id, vec, metadata, owner_id)
        select '${run}-' || i, (select array_agg(random() - 0.5)::real[]::extensions.vector from generate_series(1, 384) where i > 0),
          jsonb_build_object('i', i), (array['${owners.join("','")}'])[1 + i % 3]
        from generate_series(1, 90) i`)
      const model = await fetch(`${env.SUPABASE_URL}/functions/v1/vector-search/collections`, {
        headers: { apikey: env.SUPABASE_SERVICE_ROLE_KEY!, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}` },
      }).then(async (r) => ((await r.json()) as { meta: { model: string } }).meta.model)
      await sql`update vecpods.collections set model = ${model} where name = 'move_owned'`
    } finally {
      await sql.end()
    }
    const kept = await ownersOf(source)
    expect(kept).toHaveLength(90)

    const result = await moveCollection(ctx, { collection: OWNED, to: target })
    expect(result).toMatchObject({ phase: 'switched', rows: 90 })
    await finishMove(ctx, OWNED)
    expect(await ownersOf(target)).toEqual(kept)
    // Through the edge (it reads the placement every 2 s), as the second user: its 30 rows only.
    await new Promise((r) => setTimeout(r, 2500))
    const secret = loadSecrets(opts.stateDir, opts.projects).primary!.jwtSecret
    const token = await signUserToken(secret, { sub: owners[1]! })
    const res = await fetch(`${env.SUPABASE_URL}/functions/v1/vector-search/search`, {
      method: 'POST',
      headers: { apikey: env.SUPABASE_ANON_KEY!, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ collection: OWNED, vector: unit(), limit: 50 }),
    })
    const body = (await res.json()) as { data: Array<{ id: string; pod: string }> }
    expect(res.status).toBe(200)
    expect(body.data).toHaveLength(30)
    expect(body.data.every((h) => h.pod === target && kept.includes(`${h.id}:${owners[1]}`))).toBe(true)

    await moveCollection(ctx, { collection: OWNED, to: source })
    await finishMove(ctx, OWNED)
    expect(await ownersOf(source)).toEqual(kept)
    expect(overlayText()).toBe(before)
  }, 120_000)
})
