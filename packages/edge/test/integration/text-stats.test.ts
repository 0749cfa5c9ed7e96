// BM25's statistics follow every kind of write, on both transports: inserts, updates of the text,
// upserts racing on the same words, deletes by id and by filter. After each, what the triggers
// kept equals a rebuild from the rows (vecpods.refresh_text_stats).
import { adminSql, stackEnvironment, stackOptions } from '@vecpods/stack'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FaultEdge, faultEdge } from '../faults/edge.ts'

const opts = stackOptions(process.env, () => {})
const run = `stats-${Date.now().toString(36)}`
let edge: FaultEdge
const sqls = new Map<string, postgres.Sql>()

beforeAll(async () => {
  edge = await faultEdge(opts)
  const env = await stackEnvironment(opts)
  for (const collection of ['docs', 'api']) {
    const pod = opts.registry.collections[collection]!.pod
    sqls.set(collection, adminSql(env[`VECPODS_${pod.toUpperCase()}_DB_URL`]!))
  }
})

afterAll(async () => {
  for (const collection of ['docs', 'api']) await write('DELETE', collection, { filters: { run: { $eq: run } } })
  await Promise.all([...sqls.values()].map((sql) => sql.end()))
  await Promise.all([...edge.config.pods.values()].map((p) => p.close()))
})

const unit = (i: number) => Array.from({ length: 384 }, (_, d) => (d === i % 384 ? 1 : 0.001 * ((i * 7 + d) % 13)))
const write = (method: string, collection: string, body: unknown) =>
  edge.call(method, `/collections/${collection}/records`, body, edge.primary.keys.serviceRoleKey)
const records = (from: number, n: number, text: (i: number) => string) =>
  Array.from({ length: n }, (_, k) => ({
    id: `${run}-${from + k}`,
    vector: unit(from + k),
    metadata: { run, text: text(from + k), section: `s${(from + k) % 3}`, symbol: `sym${from + k}` },
  }))

/** The statistics as kept, then as rebuilt from the rows: equal when the triggers did their job. */
async function keptAndRebuilt(collection: string) {
  const sql = sqls.get(collection)!
  const read = async () => {
    const [stats] = await sql`select docs::int, tokens::int from vecpods.text_stats where collection = ${collection}`
    const terms = await sql`select lexeme, df::int from vecpods.text_terms where collection = ${collection} order by lexeme collate "C"`
    return { stats, terms: terms.map((t) => `${t.lexeme}:${t.df}`) }
  }
  const kept = await read()
  await sql`select vecpods.refresh_text_stats(${collection})`
  return { kept, rebuilt: await read() }
}

describe.each([
  { collection: 'docs', transport: 'sql' },
  { collection: 'api', transport: 'rest' },
])('BM25 statistics of $collection ($transport transport)', ({ collection, transport }) => {
  it('is the transport under test', () => {
    expect(edge.config.registry.pods[opts.registry.collections[collection]!.pod]!.transport).toBe(transport)
  })

  it('follow inserts, then updates that change the words', async () => {
    const before = (await keptAndRebuilt(collection)).kept
    expect((await write('POST', collection, { records: records(0, 40, (i) => `zebra quokka number ${i} appears ${i % 5} times`) })).status).toBe(200)
    let s = await keptAndRebuilt(collection)
    expect(s.kept).toEqual(s.rebuilt)
    const df = (terms: string[]) => Number(terms.find((t) => t.startsWith('quokka:'))?.split(':')[1] ?? 0)
    expect(df(s.kept.terms) - df(before.terms)).toBe(40)
    expect(s.kept.stats!.docs - before.stats!.docs).toBe(40)
    expect((await write('POST', collection, { records: records(0, 20, (i) => `marmot narwhal rewrite of ${i}`) })).status).toBe(200)
    s = await keptAndRebuilt(collection)
    expect(s.kept).toEqual(s.rebuilt)
  })

  it('follow concurrent upserts of overlapping words (no deadlock, no lost count)', async () => {
    const batches = Array.from({ length: 8 }, (_, b) =>
      write('POST', collection, { records: records(100 + b * 10, 15, (i) => `shared okapi words ${i % 7} batch ${b}`) }),
    )
    const statuses = (await Promise.all(batches)).map((r) => r.status)
    expect(statuses).toEqual(Array(8).fill(200))
    const s = await keptAndRebuilt(collection)
    expect(s.kept).toEqual(s.rebuilt)
  })

  it('follow deletes by id and by filter', async () => {
    expect((await write('DELETE', collection, { ids: [`${run}-1`, `${run}-2`, `${run}-101`] })).status).toBe(200)
    let s = await keptAndRebuilt(collection)
    expect(s.kept).toEqual(s.rebuilt)
    expect((await write('DELETE', collection, { filters: { run: { $eq: run } } })).status).toBe(200)
    s = await keptAndRebuilt(collection)
    expect(s.kept).toEqual(s.rebuilt)
    expect(s.kept.terms.some((t) => t.startsWith('okapi:'))).toBe(false)
  })
})
