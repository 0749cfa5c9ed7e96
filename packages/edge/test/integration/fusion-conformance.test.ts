// Hybrid fusion runs in SQL (the pods' vecpods.text_search, the primary's hybrid_<name>) so a
// search stays one statement; packages/edge/src/search/fusion.ts is its specification. Here the
// SQL is held to it: both arms fetched on their own from the pod, fused in TypeScript, compared
// with what the pod and the primary return, for both methods.
import { vectorText } from '@vecpods/edge'
import { adminSql, stackEnvironment, stackOptions } from '@vecpods/stack'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FusionSettings, fuseArms } from '../../src/search/fusion.ts'
import { type FaultEdge, faultEdge } from '../faults/edge.ts'

const opts = stackOptions(process.env, () => {})
const QUESTIONS: Array<[string, string]> = [
  ['docs', 'abort a request that takes too long'],
  ['docs', 'parse command line options'],
  ['docs', 'hash a password'],
  ['docs', 'stream rows from a large query'],
  ['api', 'read a whole file into memory'],
  ['api', 'random bytes for a token'],
  ['api', 'readFileSync'],
  ['api', 'wait for several promises'],
]
const SETTINGS: FusionSettings[] = [
  { method: 'convex', k: 0, vectorWeight: 0.4, textWeight: 0.6 },
  { method: 'convex', k: 0, vectorWeight: 0.8, textWeight: 0.2 },
  { method: 'rrf', k: 2, vectorWeight: 1, textWeight: 1.5 },
  { method: 'rrf', k: 20, vectorWeight: 1, textWeight: 0.7 },
]
const CANDIDATES = 40
const EF = 200
let edge: FaultEdge
const sql = new Map<string, postgres.Sql>()

beforeAll(async () => {
  edge = await faultEdge(opts)
  const env = await stackEnvironment(opts)
  for (const project of ['pod_a', 'pod_c', 'primary'])
    sql.set(project, adminSql(project === 'primary' ? env.SUPABASE_DB_URL! : env[`VECPODS_${project.toUpperCase()}_DB_URL`]!))
})

afterAll(async () => {
  await Promise.all([...sql.values()].map((s) => s.end()))
  await Promise.all([...edge.config.pods.values()].map((p) => p.close()))
})

describe('hybrid fusion in SQL follows the reference in TypeScript', () => {
  it.each(QUESTIONS)('%s: "%s", every method and weighting, on the pod and on the primary', async (collection, question) => {
    const pod = sql.get(opts.registry.collections[collection]!.pod)!
    const [vector] = await edge.config.embedder!.embed([question])
    const v = vectorText(vector!)
    // Plain arrays: the driver's result lists are arrays with extras of their own.
    const text = [
      ...(await pod<{ id: string; score: number }[]>`select id, score from vecpods.text_search(${collection}, ${question}, null, ${CANDIDATES})`),
    ].map((r) => ({ id: r.id, score: r.score }))
    const measure = opts.registry.collections[collection]!.measure
    const op = measure === 'cosine' ? '<=>' : measure === 'l2' ? '<->' : '<#>'
    const nearestSql = (table: string, column: string) =>
      `select id, (${column} operator(extensions.${op}) $1::extensions.vector)::float8 as d from ${table} order by ${column} operator(extensions.${op}) $1::extensions.vector limit ${CANDIDATES}`
    // The vector arm as each side runs it: on the pod with text_search's settings (HNSW, seq scans
    // off); from the primary through its foreign table (the pod plans that one itself).
    const podArm = await pod.begin(async (tx) => {
      await tx.unsafe(`set local enable_seqscan = off; set local hnsw.ef_search = ${EF}; set local hnsw.iterative_scan = relaxed_order`)
      return [...(await tx.unsafe<{ id: string; d: number }[]>(nearestSql(`vecs.${collection}`, 'vec'), [v] as never))]
    })
    const primaryArm = [...(await sql.get('primary')!.unsafe<{ id: string; d: number }[]>(nearestSql(`public.${collection}`, 'embedding'), [v] as never))]
    // An arm as the fusion sees it: nearest first, higher-is-better scores (the order of distances).
    const armOf = (rows: Array<{ id: string; d: number }>) => rows.sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1)).map((r) => ({ id: r.id, score: -r.d }))
    const [vectorArm, primaryVectorArm] = [armOf(podArm), armOf(primaryArm)]
    // Fused scores equal to 1e-9 (float arithmetic in SQL and in TypeScript can differ in the last
    // bits) are a tie either side may order its own way: ties by id, on both sides.
    const canon = <T extends { id: string; score: number }>(rows: T[]) =>
      [...rows].sort((a, b) => (Math.abs(a.score - b.score) < 1e-9 ? (a.id < b.id ? -1 : 1) : b.score - a.score))
    expect(text.length).toBeGreaterThan(3)
    for (const s of SETTINGS) {
      const expected = canon(fuseArms(vectorArm, text, s).slice(0, 10))
      const fused = canon([
        ...(await pod<{ id: string; score: number }[]>`
        select id, score from vecpods.text_search(${collection}, ${question}, ${v}, 10, null, ${EF}, ${s.method}, ${s.k}, ${s.vectorWeight}, ${s.textWeight}, ${CANDIDATES})`),
      ])
      expect(fused.map((r) => r.id)).toEqual(expected.map((h) => h.id))
      for (const [i, r] of fused.entries()) expect(r.score).toBeCloseTo(expected[i]!.score, 9)
      const primary = sql.get('primary')!
      const expectedViaPrimary = canon(fuseArms(primaryVectorArm, text, s).slice(0, 10))
      const viaPrimary = canon(
        await primary.unsafe<{ id: string; score: number }[]>(
          `select id, score from public.hybrid_${collection}($1, $2::extensions.vector, 10, '{}'::jsonb, $3, $4, $5, $6)`,
          [question, v, s.method, s.k, s.vectorWeight, s.textWeight] as never,
        ),
      )
      expect(viaPrimary.map((r) => r.id)).toEqual(expectedViaPrimary.map((h) => h.id))
      for (const [i, r] of viaPrimary.entries()) expect(r.score).toBeCloseTo(expectedViaPrimary[i]!.score, 9)
    }
  })
})
