import { loadRegistry } from '@vecpods/registry/node'
import { stackEndpoints, stackEnvironment, stackOptions } from '@vecpods/stack'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type EdgeConfig, loadLocalConfig, matches, parseFilter } from '../../src/index.ts'
import { prng, unit } from '../random.ts'

type Meta = Record<string, string | number | boolean | string[]>

const run = `edge-${Date.now().toString(36)}`
let config: EdgeConfig
let app: ReturnType<typeof createApp>
let anonKey: string
let serviceKey: string

const cosineDistance = (a: number[], b: number[]) => 1 - a.reduce((s, x, i) => s + x * b[i]!, 0)

function call(method: string, path: string, body: unknown, key = anonKey) {
  return app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

/** A collection on each pod transport: direct SQL (docs, cosine) and PostgREST RPC (api, inner product). */
const TARGETS = [
  { collection: 'docs', pod: 'pod_a', transport: 'sql' },
  { collection: 'api', pod: 'pod_c', transport: 'rest' },
] as const

// 120 small records for exact comparisons, in each target collection.
const random = prng(42)
const langs = ['en', 'de', 'fr']
const tagPool = ['a', 'b', 'c', 'd']
const records = Array.from({ length: 120 }, (_, i) => {
  const metadata: Meta = { run, year: 2000 + Math.floor(random() * 30), lang: langs[Math.floor(random() * 3)]! }
  if (random() < 0.7) metadata.tags = tagPool.filter(() => random() < 0.4)
  if (random() < 0.5) metadata.draft = random() < 0.5
  if (random() < 0.3) metadata.title = `t${Math.floor(random() * 5)}`
  return { id: `${run}-${i}`, vector: unit(Array.from({ length: 384 }, () => random() - 0.5)), metadata }
})

beforeAll(async () => {
  const opts = stackOptions(process.env, () => {})
  config = loadLocalConfig(loadRegistry(), await stackEnvironment(opts))
  app = createApp(config)
  const primary = (await stackEndpoints(opts)).find((e) => e.project === 'primary')!
  anonKey = primary.keys.anonKey
  serviceKey = primary.keys.serviceRoleKey
  expect(TARGETS.map((t) => config.registry.pods[t.pod]!.transport)).toEqual(TARGETS.map((t) => t.transport))
  for (const t of TARGETS) {
    const res = await call('POST', `/collections/${t.collection}/records`, { records }, serviceKey)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ data: { upserted: 120 }, meta: { pod: t.pod, model: model() } })
  }
})

/** The model this deployment embeds with (the stack's offline model here). */
const model = () => config.embedder?.model ?? config.registry.model.id

afterAll(async () => {
  for (const t of TARGETS) await call('DELETE', `/collections/${t.collection}/records`, { filters: { run: { $eq: run } } }, serviceKey)
  await Promise.all([...config.pods.values()].map((p) => p.close()))
})

// Filters over the fields above, every operator, nested up to three levels.
const scalarFor: Record<string, fc.Arbitrary<string | number | boolean>> = {
  year: fc.integer({ min: 1998, max: 2032 }),
  lang: fc.constantFrom('en', 'de', 'fr', 'es'),
  tags: fc.constantFrom(...tagPool),
  draft: fc.boolean(),
  title: fc.constantFrom('t0', 't1', 't2', 'zz'),
}
const leaf = fc.constantFrom(...Object.keys(scalarFor)).chain((key) => {
  const v = scalarFor[key]!
  const ordered = key === 'year' || key === 'lang' || key === 'title' ? [fc.record({ op: fc.constantFrom('$gt', '$gte', '$lt', '$lte'), v })] : []
  return fc
    .oneof(
      fc.record({ op: fc.constantFrom('$eq', '$ne', '$contains'), v }),
      fc.record({ op: fc.constantFrom('$in', '$nin'), v: fc.array(v, { minLength: 1, maxLength: 3 }) }),
      fc.record({ op: fc.constant('$exists'), v: fc.boolean() }),
      ...ordered,
    )
    .map(({ op, v: value }) => ({ [key]: { [op]: value } }))
})
const { filter } = fc.letrec<{ filter: Record<string, unknown> }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ $and: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $or: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }) }),
  ),
}))

describe.each(TARGETS)('POST /search on $collection ($transport transport, real stack)', ({ collection, pod }) => {
  it('re-ranks by MMR: lambda 1 is the plain order; lower lambdas keep the best hit and return limit hits', async () => {
    const base = { collection, vector: records[11]!.vector, limit: 5, filters: { run: { $eq: run } } }
    const ids = async (body: unknown) => ((await (await call('POST', '/search', body)).json()) as { data: { id: string; value?: unknown }[] }).data
    const plain = await ids(base)
    expect((await ids({ ...base, mmr: { lambda: 1, fetch_k: 20 } })).map((h) => h.id)).toEqual(plain.map((h) => h.id))
    const diverse = await ids({ ...base, mmr: { lambda: 0.2, fetch_k: 20 } })
    expect(diverse).toHaveLength(5)
    expect(diverse[0]!.id).toBe(plain[0]!.id)
    expect(diverse.every((h) => h.value === undefined)).toBe(true)
  })

  it('returns the nearest neighbours ordered by score, with collection and pod', async () => {
    const query = records[7]!.vector
    const res = await call('POST', '/search', { collection, vector: query, limit: 5, filters: { run: { $eq: run } } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: { id: string; score: number; collection: string; pod: string }[]; meta: Record<string, unknown> }
    expect(body.data[0]).toMatchObject({ id: `${run}-7`, collection, pod })
    expect(body.data[0]!.score).toBeCloseTo(1, 5)
    expect(body.data.map((h) => h.score)).toEqual([...body.data.map((h) => h.score)].sort((a, b) => b - a))
    expect(body.meta).toMatchObject({ pods: [pod], model: model() })
  })

  it('filters exactly as a brute-force evaluation in TypeScript does, for generated filters of every operator', async () => {
    await fc.assert(
      fc.asyncProperty(filter, fc.integer({ min: 0, max: 119 }), async (f, q) => {
        const query = records[q]!.vector
        const res = await call(
          'POST',
          '/search',
          {
            collection,
            vector: query,
            limit: 100,
            exact: true,
            include: { metadata: false },
            filters: { $and: [{ run: { $eq: run } }, f] },
          },
          serviceKey,
        )
        expect(res.status).toBe(200)
        const got = ((await res.json()) as { data: { id: string }[] }).data.map((h) => h.id)
        const condition = parseFilter(f)
        const expected = records
          .filter((r) => matches(condition, r.metadata))
          .map((r) => ({ id: r.id, d: cosineDistance(query, r.vector) }))
          .sort((a, b) => a.d - b.d)
          .slice(0, 100)
          .map((r) => r.id)
        expect(got).toEqual(expected)
      }),
      { numRuns: 150, seed: 20261125 },
    )
  })
})

describe.each(TARGETS)('filtered HNSW search on $collection ($transport transport, iterative scans)', ({ collection }) => {
  const many = Array.from({ length: 2000 }, (_, i) => ({
    id: `${run}-h${i}`,
    vector: unit(Array.from({ length: 384 }, () => random() - 0.5)),
    // 10% "rare", 1% "scarce" (20 rows).
    metadata: { run, bulk: true, kind: i % 100 === 0 ? 'scarce' : i % 10 === 0 ? 'rare' : 'common' },
  }))

  beforeAll(async () => {
    for (let i = 0; i < many.length; i += 500) {
      const res = await call('POST', `/collections/${collection}/records`, { records: many.slice(i, i + 500) }, serviceKey)
      expect(res.status).toBe(200)
    }
  })

  it('returns the full limit whenever that many rows match, at 10% and 1% selectivity', async () => {
    for (const kind of ['rare', 'scarce']) {
      for (const q of [0, 1, 2]) {
        const res = await call('POST', '/search', {
          collection,
          vector: many[q * 7]!.vector,
          limit: 10,
          filters: { run: { $eq: run }, kind: { $eq: kind } },
        })
        const { data } = (await res.json()) as { data: { id: string; metadata: { kind: string } }[] }
        expect(data).toHaveLength(10)
        expect(data.every((h) => h.metadata.kind === kind)).toBe(true)
      }
    }
  })
})

describe('auth and bad input', () => {
  const search = { collection: 'docs', vector: records[0]!.vector }
  const codeOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code]

  it('needs a valid JWT; writes need service_role; service-only collections need service_role', async () => {
    expect(await codeOf(await app.request('/search', { method: 'POST', body: JSON.stringify(search) }))).toEqual([401, 'unauthorized'])
    expect(await codeOf(await call('POST', '/search', search, 'not.a.jwt'))).toEqual([401, 'unauthorized'])
    expect(await codeOf(await call('POST', '/collections/docs/records', { records: [records[0]] }))).toEqual([403, 'forbidden'])
    expect(await codeOf(await call('POST', '/search', { ...search, collection: 'drafts' }))).toEqual([403, 'forbidden'])
    expect((await call('POST', '/search', { ...search, collection: 'drafts' }, serviceKey)).status).toBe(200)
  })

  it('answers each kind of bad request with its stable code', async () => {
    expect(await codeOf(await call('POST', '/search', { ...search, collection: 'nope' }))).toEqual([404, 'unknown_collection'])
    expect(await codeOf(await call('POST', '/search', { ...search, vector: [1, 2, 3] }))).toEqual([400, 'dimension_mismatch'])
    expect(await codeOf(await call('POST', '/search', { ...search, limit: 101 }))).toEqual([400, 'invalid_request'])
    expect(await codeOf(await call('POST', '/search', { ...search, filters: { year: { $regex: 'x' } } }))).toEqual([400, 'invalid_filter'])
    expect(await codeOf(await call('POST', '/search', { ...search, model: 'openai/ada' }))).toEqual([409, 'model_mismatch'])
    expect(await codeOf(await call('POST', '/search', { collection: 'docs', query: 'hello', model: 'openai/ada' }))).toEqual([409, 'model_mismatch'])
    expect(
      await codeOf(await call('POST', '/collections/docs/records', { records: [{ id: 'm', vector: search.vector }], model: 'openai/ada' }, serviceKey)),
    ).toEqual([409, 'model_mismatch'])
    expect(await codeOf(await call('DELETE', '/collections/docs/records', { filters: {} }, serviceKey))).toEqual([400, 'invalid_request'])
  })

  it('rejects a batch with one bad record whole: nothing is written', async () => {
    const ids = [`${run}-x1`, `${run}-x2`]
    const res = await call(
      'POST',
      '/collections/docs/records',
      {
        records: [
          { id: ids[0], vector: records[0]!.vector, metadata: { run } },
          { id: ids[1], vector: [1, 2], metadata: { run } },
        ],
      },
      serviceKey,
    )
    expect(await codeOf(res)).toEqual([400, 'dimension_mismatch'])
    const found = await call('POST', '/search', { ...search, limit: 100, exact: true, filters: { run: { $eq: run } } }, serviceKey)
    const got = ((await found.json()) as { data: { id: string }[] }).data.map((h) => h.id)
    expect(got.filter((id) => ids.includes(id))).toEqual([])
  })

  it('never answers 5xx to generated junk bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom('/search', '/collections/docs/records'), async (body, path) => {
        const res = await call('POST', path, body, serviceKey)
        expect(res.status).toBeGreaterThanOrEqual(400)
        expect(res.status).toBeLessThan(500)
        expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/)
      }),
      { numRuns: 200, seed: 7 },
    )
  })
})
