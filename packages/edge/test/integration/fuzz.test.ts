// A property-based fuzzer of hostile requests across every route, against the edge app on the real
// stack (both pod transports): no answer may be a 5xx, and no request that failed may leave part
// of its writes behind. Bounded: a fixed number of requests, loopback only. Figures go to
// test-results/fuzz.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { vecsTable } from '@vecpods/registry'
import { loadRegistry } from '@vecpods/registry/node'
import { adminSql, type ProjectEndpoints, stackEndpoints, stackEnvironment, stackOptions } from '@vecpods/stack'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type EdgeConfig, loadLocalConfig } from '../../src/index.ts'

const RUNS = 2400
const DENO_RUNS = 400
const COST_RUNS = 300
const BURSTS = 12
const opts = stackOptions(process.env, () => {})
const run = `fuzz-${Date.now().toString(36)}`
const WRITABLE = ['docs', 'api'] as const // one collection per transport (SQL, PostgREST)
let config: EdgeConfig
let app: ReturnType<typeof createApp>
/** The cost attacks' answers by status and code (test-results/fuzz-cost.json). */
const costFigures: Record<string, Record<string, number>> = {}
let primary: ProjectEndpoints

/** Strings PostgreSQL, UTF-8 or JavaScript objects choke on, beside ordinary ones. */
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '\u0000',
      'a\u0000b',
      '\ud800',
      '\udc00x',
      'x\ud83d',
      '__proto__',
      'constructor',
      "'; drop table vecs.docs; --",
      '$.a',
      '"',
      '\\',
      'x'.repeat(3000),
      '😀'.repeat(50),
      '',
    ),
  },
)
const hostileNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(1e39, -1e39, 3.4028235677973366e38, 1e-50, 0, -0, Number.MAX_VALUE, 2 ** 53 + 1, 1e308),
)
const { json: hostileJson } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('json'), { maxKeys: 4 }),
  ),
}))
/** Nested deeper than any limit. */
const deep = fc.integer({ min: 30, max: 200 }).map((n) => {
  let v: unknown = 1
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { k: v }
  return v
})
const vector384 = fc.oneof(
  fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 384, maxLength: 384 }),
  fc.tuple(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 383, maxLength: 383 }), hostileNumber).map(([v, x]) => [...v, x]),
  fc.constant(Array.from({ length: 384 }, () => 0)),
  fc.array(hostileNumber, { maxLength: 8 }),
)
const collectionName = fc.oneof(fc.constantFrom('docs', 'posts', 'api', 'drafts', 'bench_a'), hostileString)
const op = fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$contains', '$exists', '$regex', '$and', '$or', '__proto__')
const filter = fc.oneof(
  fc.dictionary(hostileString, fc.dictionary(op, hostileJson, { maxKeys: 2 }), { maxKeys: 3 }),
  fc.record({
    $or: fc.array(fc.dictionary(fc.constantFrom('a', 'b', 'year'), fc.dictionary(op, hostileJson, { maxKeys: 1 }), { maxKeys: 2 }), { maxLength: 3 }),
  }),
  hostileJson,
  deep,
)

/** A search body: a sound one with some fields made hostile. */
const searchBody = fc.record(
  {
    collection: collectionName,
    collections: fc.oneof(fc.array(collectionName, { maxLength: 20 }), hostileJson),
    query: fc.oneof(hostileString, hostileJson),
    vector: fc.oneof(vector384, hostileJson),
    limit: fc.oneof(fc.integer({ min: -5, max: 200 }), hostileJson),
    filters: filter,
    include: fc.oneof(fc.record({ metadata: fc.boolean(), value: fc.boolean() }), hostileJson),
    ef_search: fc.oneof(fc.integer({ min: -1, max: 5000 }), hostileJson),
    exact: fc.oneof(fc.boolean(), hostileJson),
    model: fc.oneof(fc.constant('vecpods/static-384'), hostileString),
  },
  { requiredKeys: [] },
)

/** Raw bodies no generator above writes: `__proto__` keys as JSON text, numbers JSON parses to Infinity, escapes. */
const v = JSON.stringify(Array.from({ length: 384 }, (_, i) => (i === 1 ? 1 : 0)))
const RAW_SEARCHES = [
  `{"collection":"docs","vector":${v},"filters":{"__proto__":{"$eq":"x"}}}`,
  `{"__proto__":{"collection":"docs"},"collection":"docs","vector":${v}}`,
  `{"collection":"docs","vector":[1e400${',0'.repeat(383)}]}`,
  `{"collection":"docs","vector":${v},"filters":{"k":{"$eq":"\u0000"}}}`,
  `{"collection":"api","vector":${v},"filters":{"k":{"$in":["\ud800"]}}}`,
  `{"collection":"docs","query":"\udfff lone"}`,
  `{"collection":"docs","vector":${v},"limit":1e400}`,
  `{"collections":["docs","docs"],"vector":${v}}`,
]

interface Upsert {
  n: number
  collection: string
  body: unknown
  ids: string[]
}
let upserts = 0
const upsertBody = fc
  .record({
    collection: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...WRITABLE) }, { weight: 1, arbitrary: hostileString }),
    size: fc.integer({ min: 1, max: 6 }),
    bad: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    field: fc.constantFrom('id', 'vector', 'text', 'metadata', 'extra', 'both'),
    value: fc.oneof(hostileJson, hostileString, vector384),
    vectors: fc.array(vector384, { minLength: 6, maxLength: 6 }),
    texts: fc.boolean(),
  })
  .map(({ collection, size, bad, field, value, vectors, texts }): Upsert => {
    const n = upserts++
    const records: Record<string, unknown>[] = Array.from({ length: size }, (_, i) => `${run}-${n}-${i}`).map((id, i) => ({
      id,
      ...(texts ? { text: `fuzz record ${n} ${i}` } : { vector: vectors[i]!.length === 384 ? vectors[i] : vectors[0] }),
      metadata: { fuzz: run, n },
    }))
    if (bad !== undefined && bad < size) {
      const r = records[bad]!
      if (field === 'both') Object.assign(r, { text: 'x', vector: vectors[0] })
      else if (field === 'metadata') r.metadata = { fuzz: run, n, v: value }
      else r[field] = value
    }
    // The ids as sent (a mutation may have replaced one with another valid id).
    return { n, collection, body: { records }, ids: records.flatMap((r) => (typeof r.id === 'string' ? [r.id] : [])) }
  })
const deleteBody = fc.oneof(
  fc.record({ ids: fc.array(hostileString, { maxLength: 5 }) }),
  filter.map((f) => ({ filters: { $and: [{ fuzz: { $eq: run } }, { n: { $eq: -1 } }, f] } })),
  hostileJson,
)

/** A path segment for any string; a lone surrogate goes out as the invalid UTF-8 it would be. */
function segment(s: string): string {
  try {
    return encodeURIComponent(s)
  } catch {
    return `${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))}%ED%A0%80`
  }
}

type Req = { method: string; path: string; body?: string; contentType?: string; key: 'anon' | 'service' | 'bad' | 'none'; upsert?: Upsert }
const key = fc.constantFrom<Req['key']>('anon', 'anon', 'service', 'service', 'service', 'bad', 'none')
const request: fc.Arbitrary<Req> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ body: searchBody, key }).map(({ body, key }) => ({ method: 'POST', path: '/search', body: JSON.stringify(body), key })) },
  { weight: 1, arbitrary: fc.record({ body: fc.constantFrom(...RAW_SEARCHES), key }).map(({ body, key }) => ({ method: 'POST', path: '/search', body, key })) },
  {
    weight: 4,
    arbitrary: fc.record({ u: upsertBody, key: fc.constantFrom<Req['key']>('service', 'service', 'service', 'anon') }).map(({ u, key }) => ({
      method: 'POST',
      path: `/collections/${segment(u.collection)}/records`,
      body: JSON.stringify(u.body),
      key,
      upsert: u,
    })),
  },
  {
    weight: 2,
    arbitrary: fc.record({ body: deleteBody, c: collectionName, key }).map(({ body, c, key }) => ({
      method: 'DELETE',
      path: `/collections/${segment(c)}/records`,
      body: JSON.stringify(body),
      key,
    })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      path: fc.oneof(
        fc.constantFrom('/search', '/collections', '/health', '/collections/docs/records', '/', '/nope'),
        hostileString.map((s) => `/${segment(s)}`),
      ),
      body: fc.oneof(
        fc.string({ maxLength: 200 }),
        hostileJson.map((j) => JSON.stringify(j)),
        fc.constant(undefined),
      ),
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', ''),
      key,
    }),
  },
)

/** Sends a request to the app in process, or (`viaDeno`) to the Deno function behind the primary's gateway. */
async function send(req: Req, viaDeno = false): Promise<Response> {
  const token = {
    anon: primary.keys.anonKey,
    service: primary.keys.serviceRoleKey,
    bad: 'eyJhbGciOiJub25lIn0.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.',
    none: undefined,
  }[req.key]
  const body = req.method === 'GET' ? undefined : req.body
  const init = {
    method: req.method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(viaDeno ? { apikey: primary.keys.anonKey } : {}),
      ...(body !== undefined ? { 'content-type': req.contentType ?? 'application/json' } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  }
  return viaDeno ? fetch(`${primary.apiUrl}/functions/v1/vector-search${req.path}`, init) : app.request(req.path, init)
}

beforeAll(async () => {
  config = loadLocalConfig(loadRegistry(), await stackEnvironment(opts))
  app = createApp(config)
  primary = (await stackEndpoints(opts)).find((e) => e.project === 'primary')!
})

/** This run's rows, by pod database. */
async function writtenIds(): Promise<Set<string>> {
  const ids = new Set<string>()
  for (const collection of WRITABLE) {
    const pod = opts.registry.collections[collection]!.pod
    const sql = adminSql((await stackEndpoints(opts)).find((e) => e.project === pod)!.dbUrl)
    try {
      for (const r of await sql<{ id: string }[]>`select id from vecs.${sql(collection)} where metadata @> ${sql.json({ fuzz: run })}`) ids.add(r.id)
    } finally {
      await sql.end()
    }
  }
  return ids
}

afterAll(async () => {
  for (const collection of WRITABLE) {
    const pod = opts.registry.collections[collection]!.pod
    const sql = adminSql((await stackEndpoints(opts)).find((e) => e.project === pod)!.dbUrl)
    await sql`delete from vecs.${sql(collection)} where metadata @> ${sql.json({ fuzz: run })}`
    await sql.unsafe(`vacuum ${vecsTable(collection)}`).finally(() => sql.end())
  }
  await Promise.all([...config.pods.values()].map((p) => p.close()))
})

describe('hostile requests', () => {
  it(`${RUNS} generated requests across every route: no 5xx, no partial write`, async () => {
    const statuses = new Map<number, number>()
    const codes = new Map<string, number>()
    const fivexx: Array<{ req: Req; status: number; body: string }> = []
    const written: Upsert[] = []
    const failed: Upsert[] = []
    const started = performance.now()
    await fc
      .assert(
        fc.asyncProperty(request, async (req) => {
          const res = await send(req)
          const text = await res.text()
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
          const code = /"code":"([a-z_]+)"/.exec(text)?.[1]
          if (code) codes.set(code, (codes.get(code) ?? 0) + 1)
          if (res.status >= 500) fivexx.push({ req, status: res.status, body: text.slice(0, 300) })
          if (req.upsert) (res.status === 200 ? written : failed).push(req.upsert)
          return res.status < 500
        }),
        { numRuns: RUNS, seed: 20261130, endOnFailure: false },
      )
      .catch((error: Error) => {
        throw new Error(`${error.message.slice(0, 2000)}\nfirst 5xx: ${JSON.stringify(fivexx.slice(0, 3))}`)
      })
    const ms = performance.now() - started

    const present = await writtenIds()
    const lost = written.flatMap((u) => u.ids.filter((id) => !present.has(id)))
    const partial = failed.filter((u) => u.ids.some((id) => present.has(id)))
    expect(fivexx).toEqual([])
    expect(lost).toEqual([])
    expect(partial).toEqual([])
    expect(written.length).toBeGreaterThan(50)
    expect(failed.length).toBeGreaterThan(50)

    const figures = {
      requests: [...statuses.values()].reduce((a, b) => a + b, 0),
      seconds: Math.round(ms / 100) / 10,
      statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
      codes: Object.fromEntries([...codes].sort(([, a], [, b]) => b - a)),
      upsertsWritten: written.length,
      upsertsRefused: failed.length,
      responses5xx: fivexx.length,
      partialWrites: partial.length,
      lostWrites: lost.length,
    }
    mkdirSync(join(opts.root, 'test-results'), { recursive: true })
    writeFileSync(join(opts.root, 'test-results', 'fuzz.json'), `${JSON.stringify(figures, null, 2)}\n`)
    console.log(`fuzz: ${JSON.stringify(figures)}`)
  }, 180_000)

  it(`${DENO_RUNS} of them through the Deno function and the gateway: no 5xx`, async () => {
    const fivexx: Array<{ req: Req; status: number; body: string }> = []
    await fc
      .assert(
        fc.asyncProperty(request, async (req) => {
          const res = await send(req, true)
          const text = await res.text()
          if (res.status >= 500) fivexx.push({ req, status: res.status, body: text.slice(0, 300) })
          return res.status < 500
        }),
        { numRuns: DENO_RUNS, seed: 20261201, endOnFailure: false },
      )
      .catch((error: Error) => {
        throw new Error(`${error.message.slice(0, 2000)}\nfirst 5xx: ${JSON.stringify(fivexx.slice(0, 3))}`)
      })
    expect(fivexx).toEqual([])
  }, 180_000)

  it(`${COST_RUNS} costly requests from the anon key: each refused with a 4xx and a stable code before any pod works on it`, async () => {
    const { publicLimits: limits } = config.registry
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}-${'x'.repeat(8)}`)
    const nest = (depth: number): Record<string, unknown> => (depth === 0 ? { year: { $gte: 2000 } } : { $or: [nest(depth - 1), { lang: { $eq: 'en' } }] })
    /** Each way of asking for more than the public limits allow, sized past them. */
    const costly = fc.oneof(
      fc.integer({ min: limits.filter.maxComparisons + 1, max: 400 }).map((n) => ({ filters: { package: { $in: values(n) } } })),
      fc
        .integer({ min: limits.filter.maxComparisons + 1, max: 60 })
        .map((n) => ({ filters: { $or: Array.from({ length: n }, (_, i) => ({ year: { $gte: i } })) } })),
      fc.integer({ min: limits.filter.maxDepth + 1, max: 8 }).map((d) => ({ filters: nest(d) })),
      // Bytes: a few values within the per-string bound (1,024) whose sum passes maxBytes.
      fc
        .integer({ min: Math.ceil(limits.filter.maxBytes / 1000) + 1, max: limits.filter.maxComparisons })
        .map((n) => ({ filters: { section: { $in: Array.from({ length: n }, (_, i) => `${i}${'y'.repeat(999)}`) } } })),
      fc.integer({ min: limits.maxEfSearch + 1, max: 1000 }).map((ef) => ({ ef_search: ef })),
      fc.constant({ exact: true }),
      fc.constant({ include: { value: true } }),
      // More collections than a public fan-out takes (five: two of them not the public's, which is refused first).
      fc.constant({ collections: ['docs', 'posts', 'api', 'drafts', 'notes'] }),
    )
    const outcomes = new Map<string, number>()
    await fc.assert(
      fc.asyncProperty(costly, fc.constantFrom('docs', 'api'), fc.constantFrom('vector', 'text', 'hybrid'), async (ask, collection, mode) => {
        const body = { ...('collections' in ask ? {} : { collection }), query: 'abort a fetch request', mode, ...ask }
        const res = await app.request('/search', {
          method: 'POST',
          headers: { authorization: `Bearer ${primary.keys.anonKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
        const code = ((await res.json()) as { error?: { code: string } }).error?.code ?? 'none'
        const key = `${res.status} ${code}`
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
        // Refused, with a stable code: past a public limit, or past the bounds every caller has
        // (the parser's: 100 values in an $in, 1,024 characters a string), or not the public's.
        return (
          (res.status === 400 && (code === 'limit_exceeded' || code === 'invalid_filter')) ||
          (res.status === 413 && code === 'payload_too_large') ||
          ('collections' in ask && res.status === 403 && code === 'forbidden')
        )
      }),
      { numRuns: COST_RUNS, seed: 20261204 },
    )
    console.log(`fuzz, cost attacks: ${JSON.stringify(Object.fromEntries(outcomes))}`)
    expect(outcomes.get('400 limit_exceeded')).toBeGreaterThan(COST_RUNS / 2)
    costFigures.refusals = Object.fromEntries(outcomes)
  }, 120_000)

  it(`${BURSTS} bursts of the costliest allowed searches, each from one anonymous address: past its in-flight limit 429 rate_limited, never a 5xx`, async () => {
    const { publicLimits: limits } = config.registry
    const n = limits.filter.maxComparisons
    /** The widest filters the limits let through: ranges on a key no row has (the whole index walked), and a full $in. */
    const allowed = fc.constantFrom(
      { $or: Array.from({ length: n }, (_, i) => ({ year: { $gte: 3000 + i } })) },
      { package: { $in: Array.from({ length: n }, (_, i) => `p${i}-${'x'.repeat(16)}`) } },
    )
    const outcomes = new Map<string, number>()
    let burst = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2 * limits.concurrentRequests, max: 40 }),
        allowed,
        fc.constantFrom('docs', 'api'),
        fc.constantFrom('vector', 'text', 'hybrid'),
        async (size, filters, collection, mode) => {
          // A fresh address per burst: each burst is a new caller, whose minute's budget is whole.
          const address = `198.51.100.${++burst}`
          const answers = await Promise.all(
            Array.from({ length: size }, () =>
              app.request('/search', {
                method: 'POST',
                headers: { authorization: `Bearer ${primary.keys.anonKey}`, 'content-type': 'application/json', 'x-forwarded-for': address },
                body: JSON.stringify({ collection, query: 'abort a fetch request', mode, filters }),
              }),
            ),
          )
          let refused = 0
          for (const res of answers) {
            const code = ((await res.json()) as { error?: { code: string } }).error?.code ?? 'none'
            const key = `${res.status} ${code}`
            outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
            if (res.status === 429 && code === 'rate_limited' && res.headers.get('retry-after')) refused++
            else if (res.status !== 200) return false
          }
          // All were sent at once: more than the in-flight limit cannot all have been let in.
          return refused >= size - limits.concurrentRequests * 2 && refused > 0
        },
      ),
      { numRuns: BURSTS, seed: 20261205 },
    )
    console.log(`fuzz, bursts: ${JSON.stringify(Object.fromEntries(outcomes))}`)
    expect([...outcomes.keys()].every((k) => k === '200 none' || k === '429 rate_limited')).toBe(true)
    costFigures.bursts = Object.fromEntries(outcomes)
    mkdirSync(join(opts.root, 'test-results'), { recursive: true })
    writeFileSync(join(opts.root, 'test-results', 'fuzz-cost.json'), `${JSON.stringify(costFigures, null, 2)}\n`)
  }, 120_000)
})
