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
    const nearest = [
      ...(await pod<{ id: string; distance: number }[]>`select id, distance from vecpods.search(${collection}, ${v}, ${CANDIDATES}, null, ${EF})`),
    ]
    // The arm as the fusion sees it: nearest first, higher-is-better scores (the order of distances).
    const vectorArm = nearest.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1)).map((r) => ({ id: r.id, score: -r.distance }))
    expect(text.length).toBeGreaterThan(3)
    for (const s of SETTINGS) {
      const expected = fuseArms(vectorArm, text, s).slice(0, 10)
      const fused = await pod<{ id: string; score: number }[]>`
        select id, score from vecpods.text_search(${collection}, ${question}, ${v}, 10, null, ${EF}, ${s.method}, ${s.k}, ${s.vectorWeight}, ${s.textWeight}, ${CANDIDATES})`
      expect(fused.map((r) => r.id)).toEqual(expected.map((h) => h.id))
      for (const [i, r] of fused.entries()) expect(r.score).toBeCloseTo(expected[i]!.score, 9)
      const primary = sql.get('primary')!
      const viaPrimary = await primary.unsafe<{ id: string; score: number }[]>(
        `select id, score from public.hybrid_${collection}($1, $2::extensions.vector, 10, '{}'::jsonb, $3, $4, $5, $6)`,
        [question, v, s.method, s.k, s.vectorWeight, s.textWeight] as never,
      )
      expect(viaPrimary.map((r) => r.id)).toEqual(expected.map((h) => h.id))
      for (const [i, r] of viaPrimary.entries()) expect(r.score).toBeCloseTo(expected[i]!.score, 9)
    }
  })
})
