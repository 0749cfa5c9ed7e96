// vecs's filter language is vecpods' public contract: for every filter both accept, vecpods must
// select the same rows as vecs. The oracle below writes the SQL the way vecs 0.4.5's
// `build_filters` does (`metadata -> key` compared with jsonb's own equality and ordering,
// containment for scalar `$eq`), runs it on the pod, and compares with vecpods' edge in exact mode,
// on both transports, over generated mixed-type metadata with missing keys, nulls, arrays and objects.
import { vecsTable } from '@vecpods/registry'
import { loadRegistry } from '@vecpods/registry/node'
import { adminSql, type ProjectEndpoints, stackEndpoints, stackEnvironment, stackOptions } from '@vecpods/stack'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type EdgeConfig, loadLocalConfig, matches, parseFilter } from '../../src/index.ts'
import { prng, unit } from '../random.ts'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type VecsFilter = Record<string, unknown>

const opts = stackOptions(process.env, () => {})
const run = `vecs-${Date.now().toString(36)}`
const FILTERS_PER_TRANSPORT = 300
const TARGETS = [
  { collection: 'docs', transport: 'sql' },
  { collection: 'api', transport: 'rest' },
] as const
let config: EdgeConfig
let app: ReturnType<typeof createApp>
let primary: ProjectEndpoints

/**
 * The SQL vecs builds for a filter (its `build_filters`), with the values as parameters. Throws
 * where vecs raises: more than one key per filter object, more than one operator per field, an
 * unknown operator, `$in` without a list of scalars.
 */
function vecsSql(filter: VecsFilter, params: unknown[]): string {
  // JSON text cast in SQL: SQLAlchemy binds Python's None as JSON null, not SQL NULL.
  const param = (value: unknown) => {
    params.push(JSON.stringify(value))
    return `$${params.length}::text::jsonb`
  }
  const keys = Object.keys(filter)
  if (keys.length !== 1) throw new Error('vecs: max 1 entry per filter')
  const key = keys[0]!
  const value = filter[key]
  if (key === '$and' || key === '$or') {
    if (!Array.isArray(value)) throw new Error('vecs: $and/$or filters must have associated list of conditions')
    return `(${value.map((v) => vecsSql(v as VecsFilter, params)).join(key === '$and' ? ' and ' : ' or ')})`
  }
  const ops = value as Record<string, unknown>
  if (Object.keys(ops).length !== 1) throw new Error('vecs: only one operator permitted')
  const [op, clause] = Object.entries(ops)[0]!
  const keyParam = () => {
    params.push(key)
    return `(metadata -> $${params.length}::text)`
  }
  switch (op) {
    case '$eq':
      // Python: `not hasattr(clause, "__len__")` — numbers, booleans and None go through containment.
      if (clause === null || typeof clause === 'number' || typeof clause === 'boolean') return `metadata @> ${param({ [key]: clause })}`
      return `${keyParam()} = ${param(clause)}`
    case '$ne':
      return `${keyParam()} <> ${param(clause)}`
    case '$lt':
      return `${keyParam()} < ${param(clause)}`
    case '$lte':
      return `${keyParam()} <= ${param(clause)}`
    case '$gt':
      return `${keyParam()} > ${param(clause)}`
    case '$gte':
      return `${keyParam()} >= ${param(clause)}`
    case '$in':
      if (!Array.isArray(clause) || !clause.every((c) => ['number', 'string', 'boolean'].includes(typeof c)))
        throw new Error('vecs: $in takes a list of scalars')
      return `${keyParam()} in (${clause.map(param).join(', ')})`
    case '$contains':
      return `${keyParam()} @> ${param(clause)}`
    default:
      throw new Error(`vecs: unknown operator ${op}`)
  }
}

// Values from a small pool, so that equalities and orderings meet often.
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -1.25, 2.0, 1e-7),
  fc.constantFrom('', 'a', 'b', 'B', 'ab', 'é', '10', '2', 'zz'),
  fc.boolean(),
  fc.constant(null),
)
const value: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })), { maxLength: 2 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('x', 'y'), scalar, { maxKeys: 2 }) },
)
const KEYS = ['a', 'b', 'c', 'd'] as const
const metadata = fc.record(Object.fromEntries(KEYS.map((k) => [k, value])) as Record<(typeof KEYS)[number], fc.Arbitrary<Json>>, { requiredKeys: [] })

/** Filters vecs accepts and vecpods accepts too (ranges compare scalars only in vecpods). */
const { filter } = fc.letrec((tie) => ({
  leaf: fc
    .oneof(
      fc.record({ k: fc.constantFrom(...KEYS, 'missing'), op: fc.constantFrom('$eq', '$ne'), v: value }),
      fc.record({ k: fc.constantFrom(...KEYS), op: fc.constantFrom('$lt', '$lte', '$gt', '$gte'), v: scalar }),
      fc.record({
        k: fc.constantFrom(...KEYS),
        op: fc.constant('$in'),
        v: fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', ''), fc.boolean()), { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ k: fc.constantFrom(...KEYS), op: fc.constant('$contains'), v: fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 2 })) }),
    )
    .map(({ k, op, v }) => ({ [k]: { [op]: v } }) as VecsFilter),
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.array(tie('filter'), { minLength: 1, maxLength: 3 }).map((parts) => ({ $and: parts })),
    fc.array(tie('filter'), { minLength: 1, maxLength: 3 }).map((parts) => ({ $or: parts })),
  ),
})) as { filter: fc.Arbitrary<VecsFilter> }

const random = prng(14)
const rows = fc.sample(metadata, { seed: 14, numRuns: 100 }).map((m, i) => ({
  id: `${run}-${i}`,
  vector: unit(Array.from({ length: 384 }, () => random() - 0.5)),
  metadata: { ...(m as Record<string, Json>), run },
}))

const call = (method: string, path: string, body: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${primary.keys.serviceRoleKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

async function podSql<T>(collection: string, work: (sql: ReturnType<typeof adminSql>) => Promise<T>): Promise<T> {
  const pod = opts.registry.collections[collection]!.pod
  const sql = adminSql((await stackEndpoints(opts)).find((e) => e.project === pod)!.dbUrl)
  try {
    return await work(sql)
  } finally {
    await sql.end()
  }
}

beforeAll(async () => {
  config = loadLocalConfig(loadRegistry(), await stackEnvironment(opts))
  app = createApp(config)
  primary = (await stackEndpoints(opts)).find((e) => e.project === 'primary')!
  for (const t of TARGETS) {
    const res = await call('POST', `/collections/${t.collection}/records`, { records: rows })
    expect(res.status).toBe(200)
  }
})

afterAll(async () => {
  for (const t of TARGETS) {
    await call('DELETE', `/collections/${t.collection}/records`, { filters: { run: { $eq: run } } })
    await podSql(t.collection, (sql) => sql.unsafe(`vacuum ${vecsTable(t.collection)}`))
  }
  await Promise.all([...config.pods.values()].map((p) => p.close()))
})

describe.each(TARGETS)('vecs conformance on $collection ($transport transport)', ({ collection }) => {
  it(`${FILTERS_PER_TRANSPORT} generated filters select the same rows as vecs's SQL`, async () => {
    const differences: Array<{ filter: VecsFilter; vecs: string[]; vecpods: string[] }> = []
    const samples = fc.sample(filter, { seed: collection === 'docs' ? 1401 : 1402, numRuns: FILTERS_PER_TRANSPORT })
    let matched = 0
    await podSql(collection, async (sql) => {
      for (const f of samples) {
        const params: unknown[] = [JSON.stringify({ run })]
        const where = vecsSql(f, params)
        const expected = (
          await sql.unsafe<{ id: string }[]>(
            `select id from ${vecsTable(collection)} where metadata @> $1::text::jsonb and ${where} order by id`,
            params as string[],
          )
        ).map((r) => r.id)
        const res = await call('POST', '/search', {
          collection,
          vector: rows[0]!.vector,
          limit: 100,
          exact: true,
          include: { metadata: false },
          filters: { $and: [{ run: { $eq: run } }, f] },
        })
        expect(res.status, JSON.stringify(f)).toBe(200)
        const got = ((await res.json()) as { data: { id: string }[] }).data.map((h) => h.id).sort()
        if (JSON.stringify(got) !== JSON.stringify(expected)) differences.push({ filter: f, vecs: expected, vecpods: got })
        // The TypeScript reference evaluator agrees too.
        const reference = rows
          .filter((r) => matches(parseFilter(f), r.metadata))
          .map((r) => r.id)
          .sort()
        expect(reference, JSON.stringify(f)).toEqual(expected)
        if (expected.length) matched++
      }
    })
    if (differences.length && process.env.VECPODS_CONFORMANCE_DEBUG) {
      for (const d of differences.slice(0, 8))
        console.log(
          JSON.stringify(d.filter),
          'vecs-only',
          d.vecs.filter((x) => !d.vecpods.includes(x)).map((id) => JSON.stringify(rows.find((r) => r.id === id)!.metadata)),
          'vecpods-only',
          d.vecpods.filter((x) => !d.vecs.includes(x)).map((id) => JSON.stringify(rows.find((r) => r.id === id)!.metadata)),
        )
    }
    expect(differences.slice(0, 3)).toEqual([])
    // The generated filters are not vacuous: most select some rows, not all.
    expect(matched).toBeGreaterThan(FILTERS_PER_TRANSPORT / 3)
  }, 120_000)
})
