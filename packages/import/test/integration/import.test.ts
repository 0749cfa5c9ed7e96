// `pnpm run import` on a generated file with bad lines, duplicates and text records, into a real
// pod: killed part way (SIGKILL, after its first commits and with the vector index dropped), run
// again, and checked: exactly the file's rows, the rejects file, the index rebuilt.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { adminSql, stackEndpoints, stackOptions } from '@vecpods/stack'
import { afterAll, describe, expect, it } from 'vitest'

const opts = stackOptions(process.env, () => {})
const run = `imp-${Date.now().toString(36)}`
// A service-only benchmark collection (the overlay's), on the PostgREST-transport pod: the import
// writes to the pod's database whatever the edge's transport.
const COLLECTION = 'bench_c'
const dir = mkdtempSync(join(tmpdir(), 'vecpods-import-'))
const file = join(dir, 'records.ndjson')
const VECTORS = 6000

/** A unit vector from a seed, deterministic. */
const vector = (seed: number) => {
  const v = Array.from(
    { length: 384 },
    (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453 - Math.floor(Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453) - 0.5,
  )
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

const lines: string[] = []
const bad: Array<[number, RegExp]> = []
for (let i = 0; i < VECTORS; i++) {
  lines.push(JSON.stringify({ id: `${run}-${i}`, vector: vector(i), metadata: { run, i } }))
  if (i === 10) {
    lines.push('{"id": broken')
    bad.push([lines.length, /not valid JSON/])
  }
  if (i === 2000) {
    lines.push(JSON.stringify({ id: `${run}-short`, vector: [1, 2, 3], metadata: { run } }))
    bad.push([lines.length, /takes 384 dimensions, got 3/])
  }
  if (i === 4000) {
    lines.push(JSON.stringify({ id: `${run}-nul\u0000`, vector: vector(1), metadata: { run } }))
    bad.push([lines.length, /NUL character/])
  }
}
// A later line with an id seen before wins (upsert semantics).
lines.push(JSON.stringify({ id: `${run}-5`, vector: vector(5), metadata: { run, i: 5, updated: true } }))
for (let i = 0; i < 20; i++) lines.push(JSON.stringify({ id: `${run}-text-${i}`, text: `imported text ${i} about vector search on pods`, metadata: { run } }))
writeFileSync(file, `${lines.join('\n')}\n`)

function importOnce(killAtLine?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('pnpm', ['-s', 'run', 'import', file, '--collection', COLLECTION, '--batch-size', '100', '--rebuild-index', 'always'], {
      cwd: opts.root,
      env: process.env,
      detached: true,
    })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    let timer: ReturnType<typeof setInterval> | undefined
    if (killAtLine !== undefined) {
      timer = setInterval(() => {
        const state = `${file}.import-state.json`
        if (!existsSync(state)) return
        try {
          if ((JSON.parse(readFileSync(state, 'utf8')) as { committedLine: number }).committedLine >= killAtLine) {
            clearInterval(timer)
            process.kill(-child.pid!, 'SIGKILL')
          }
        } catch {}
      }, 5)
    }
    child.on('exit', (code, signal) => {
      clearInterval(timer)
      resolve({ code, signal, output })
    })
  })
}

const podSql = async () => adminSql((await stackEndpoints(opts)).find((e) => e.project === opts.registry.collections[COLLECTION]!.pod)!.dbUrl)

afterAll(async () => {
  const sql = await podSql()
  await sql`delete from vecs.${sql(COLLECTION)} where metadata @> ${sql.json({ run })}`
  await sql`vacuum ${sql(`vecs.${COLLECTION}`)}`.finally(() => sql.end())
})

describe('pnpm run import', () => {
  it('survives being killed part way, and ends with exactly the file’s rows, its rejects and the index', async () => {
    const killed = await importOnce(1000)
    expect(killed.signal ?? `exit ${killed.code}: ${killed.output}`).toBe('SIGKILL')
    const sql = await podSql()
    try {
      const partial = (await sql`select count(*)::int as n from vecs.${sql(COLLECTION)} where metadata @> ${sql.json({ run })}`)[0]!.n
      expect(partial).toBeGreaterThan(0)
      expect(partial).toBeLessThan(VECTORS)

      const again = await importOnce()
      expect(again.code, again.output).toBe(0)
      expect(again.output).toMatch(/resumed after line \d+/)
      expect(again.output).toMatch(/3 lines rejected/)
      expect(again.output).toMatch(/vector index dropped for the load, then rebuilt/)

      // Exactly the file's distinct ids, the later duplicate winning.
      const [{ n, distinct }] = (await sql`
        select count(*)::int as n, count(distinct id)::int as distinct from vecs.${sql(COLLECTION)} where metadata @> ${sql.json({ run })}`) as unknown as [
        { n: number; distinct: number },
      ]
      expect([n, distinct]).toEqual([VECTORS + 20, VECTORS + 20])
      const [five] = await sql`select metadata from vecs.${sql(COLLECTION)} where id = ${`${run}-5`}`
      expect(five!.metadata).toMatchObject({ updated: true })
      const texts = await sql`select count(*)::int as n from vecs.${sql(COLLECTION)} where id like ${`${run}-text-%`} and vec is not null`
      expect(texts[0]!.n).toBe(20)

      const rejects = readFileSync(`${file}.rejects.ndjson`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { line: number; reason: string })
      expect(rejects.map((r) => r.line)).toEqual(bad.map(([line]) => line))
      for (const [i, [, reason]] of bad.entries()) expect(rejects[i]!.reason).toMatch(reason)

      const indexes = await sql`select indexname from pg_indexes where schemaname = 'vecs' and tablename = ${COLLECTION} and indexdef like '%USING hnsw%'`
      expect(indexes.map((r) => r.indexname)).toEqual(['ix_vector_cosine_ops_hnsw_m16_efc64_bench_c'])
      expect(existsSync(`${file}.import-state.json`)).toBe(false)
    } finally {
      await sql.end()
    }
  }, 120_000)
})

describe('import into collections with owners', () => {
  it('keeps each row’s owner (a string, or an array of them) and rejects lines without one', async () => {
    const { importFile } = await import('../../src/import.ts')
    const { loadRegistry } = await import('@vecpods/registry/node')
    const registry = loadRegistry()
    const eps = await stackEndpoints(opts)
    const podOf = (pod: string) => eps.find((e) => e.project === pod)!.dbUrl
    const cases = [
      { collection: 'notes', pod: 'pod_a', owners: [`${run}-u1`, `${run}-u2`], wrong: ['x'], column: 'owner_id' },
      { collection: 'team_docs', pod: 'pod_c', owners: [[`${run}-o1`], [`${run}-o1`, `${run}-o2`]], wrong: `${run}-o1`, column: 'org_ids' },
    ] as const
    for (const c of cases) {
      const owned = join(dir, `${c.collection}.ndjson`)
      const rows = c.owners.map((owner, i) => JSON.stringify({ id: `${run}-own-${i}`, vector: vector(100 + i), metadata: { run, text: `owned ${i}` }, owner }))
      rows.push(JSON.stringify({ id: `${run}-own-none`, vector: vector(200), metadata: { run } }))
      rows.push(JSON.stringify({ id: `${run}-own-wrong`, vector: vector(201), metadata: { run }, owner: c.wrong }))
      writeFileSync(owned, `${rows.join('\n')}\n`)
      const sql = adminSql(podOf(c.pod))
      try {
        const [catalog] = await sql`select model from vecpods.collections where name = ${c.collection}`
        const result = await importFile({
          file: owned,
          collection: c.collection,
          col: registry.collections[c.collection]!,
          dbUrl: podOf(c.pod),
          model: catalog?.model ?? 'vecpods/static-384',
        })
        expect(result).toMatchObject({ rows: 2, rejected: 2 })
        const rejects = readFileSync(`${owned}.rejects.ndjson`, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).reason as string)
        expect(rejects).toEqual([expect.stringMatching(/^owner: expected/), expect.stringMatching(/^owner: expected/)])
        const stored = await sql.unsafe(`select id, ${c.column} as owner from vecs.${c.collection} where id like $1 order by id`, [`${run}-own-%`])
        expect(stored.map((r) => r.owner)).toEqual(c.owners)
        await sql.unsafe(`delete from vecs.${c.collection} where id like $1`, [`${run}-own-%`])
      } finally {
        await sql.end()
      }
    }
  })
})

describe('import into halfvec and binary-quantized collections', () => {
  it.each([
    ['quant_half_a', 'pod_a'],
    ['quant_bin_c', 'pod_c'],
  ])('%s: loads through the staging table (COPY sends vector, the table holds halfvec)', async (collection, pod) => {
    const { importFile } = await import('../../src/import.ts')
    const { defaultRegistryPath, loadRegistryWithOverlays } = await import('@vecpods/registry/node')
    const { overlayFiles } = await import('@vecpods/stack')
    const registry = loadRegistryWithOverlays(defaultRegistryPath(), overlayFiles(process.env))
    const dbUrl = (await stackEndpoints(opts)).find((e) => e.project === pod)!.dbUrl
    const file = join(dir, `${collection}.ndjson`)
    writeFileSync(
      file,
      `${Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `${run}-q-${i}`, vector: vector(300 + i), metadata: { run } })).join('\n')}\n`,
    )
    const sql = adminSql(dbUrl)
    try {
      const [catalog] = await sql`select model from vecpods.collections where name = ${collection}`
      const result = await importFile({ file, collection, col: registry.collections[collection]!, dbUrl, model: catalog?.model ?? 'vecpods/static-384' })
      expect(result).toMatchObject({ rows: 50, rejected: 0 })
      // Stored at half precision: within 1e-3 of what the file held.
      const [row] = await sql.unsafe(`select vec::text as v from vecs."${collection}" where id = $1`, [`${run}-q-7`])
      const stored = JSON.parse(row!.v as string) as number[]
      expect(Math.max(...stored.map((x, i) => Math.abs(x - vector(307)[i]!)))).toBeLessThan(1e-3)
      await sql.unsafe(`delete from vecs."${collection}" where id like $1`, [`${run}-q-%`])
    } finally {
      await sql.end()
    }
  })
})

describe('import into a live index on several connections', () => {
  it('keeps upsert order: for an id repeated across batches in flight, the last line wins', async () => {
    const { importFile } = await import('../../src/import.ts')
    const registry = opts.registry
    const dbUrl = (await stackEndpoints(opts)).find((e) => e.project === registry.collections[COLLECTION]!.pod)!.dbUrl
    const file = join(dir, 'writers.ndjson')
    // 400 lines over 37 ids: every batch of 10 shares ids with the batches around it.
    const lines = Array.from({ length: 400 }, (_, i) => JSON.stringify({ id: `${run}-w-${i % 37}`, vector: vector(1000 + i), metadata: { run, line: i + 1 } }))
    writeFileSync(file, `${lines.join('\n')}\n`)
    const sql = adminSql(dbUrl)
    try {
      const [catalog] = await sql`select model from vecpods.collections where name = ${COLLECTION}`
      const result = await importFile({
        file,
        collection: COLLECTION,
        col: registry.collections[COLLECTION]!,
        dbUrl,
        model: catalog?.model ?? 'vecpods/static-384',
        batchSize: 10,
        writers: 4,
        rebuildIndex: 'never',
      })
      expect(result).toMatchObject({ rows: 400, rejected: 0, writers: 4, indexRebuilt: false })
      const stored = await sql.unsafe(`select id, (metadata ->> 'line')::int as line from vecs."${COLLECTION}" where id like $1`, [`${run}-w-%`])
      const last = new Map<string, number>()
      for (let i = 0; i < lines.length; i++) last.set(`${run}-w-${i % 37}`, i + 1)
      expect(Object.fromEntries(stored.map((r) => [r.id, r.line]))).toEqual(Object.fromEntries(last))
      await sql.unsafe(`delete from vecs."${COLLECTION}" where id like $1`, [`${run}-w-%`])
    } finally {
      await sql.end()
    }
  })
})

describe('auto, into a populated collection', () => {
  it('measures both ways (live inserts on the first batches, a build over a sample) and takes the cheaper, saying why', async () => {
    const { importFile } = await import('../../src/import.ts')
    const col = opts.registry.collections[COLLECTION]!
    const dbUrl = (await stackEndpoints(opts)).find((e) => e.project === col.pod)!.dbUrl
    const write = (name: string, from: number) => {
      const path = join(dir, name)
      writeFileSync(
        path,
        `${Array.from({ length: 1000 }, (_, i) => JSON.stringify({ id: `${run}-a-${from + i}`, vector: vector(5000 + from + i), metadata: { run } })).join('\n')}\n`,
      )
      return path
    }
    const sql = adminSql(dbUrl)
    try {
      const [catalog] = await sql`select model from vecpods.collections where name = ${COLLECTION}`
      const base = { collection: COLLECTION, col, dbUrl, model: catalog?.model ?? 'vecpods/static-384', batchSize: 100, writers: 2 }
      await importFile({ ...base, file: write('populate.ndjson', 0), rebuildIndex: 'never' })
      // A threshold of 500 lines, so that 1,000 lines are a large load here.
      const result = await importFile({ ...base, file: write('more.ndjson', 1000), rebuildIndex: 'auto', rebuildThreshold: 500 })
      expect(result).toMatchObject({ rows: 1000, rejected: 0 })
      const choice = result.indexChoice!
      expect(choice.liveS).toBeGreaterThan(0)
      expect(choice.rebuildS).toBeGreaterThan(0)
      expect(result.indexRebuilt).toBe(choice.rebuild)
      expect(choice.rebuild).toBe(choice.rebuildS < choice.liveS)
      expect(choice.line).toMatch(
        /measured: live index inserts [\d.]+ ms a row on 2 connections → [\d.]+ s for the [\d,]+ rows left; a rebuild over [\d,]+ rows ≈ [\d.]+ s/,
      )
      const [after] = await sql`
        select (select count(*)::int from pg_indexes where schemaname = 'vecs' and tablename = ${COLLECTION} and indexdef like '%USING hnsw%') as indexes,
               to_regclass(${`vecpods.import_probe_${COLLECTION}`}) is null as scratch_gone`
      expect(after).toEqual({ indexes: 1, scratch_gone: true })
      const counted = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from vecs."${COLLECTION}" where id like $1`, [`${run}-a-%`])
      expect(counted[0]?.n).toBe(2000)
      await sql.unsafe(`delete from vecs."${COLLECTION}" where id like $1`, [`${run}-a-%`])
    } finally {
      await sql.end()
    }
  })
})
