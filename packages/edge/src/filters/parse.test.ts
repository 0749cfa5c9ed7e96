import { describe, expect, it } from 'vitest'
import { VecpodsError } from '../errors.ts'
import { compileFilter, matches, parseFilter } from './index.ts'

const problem = (input: unknown) => {
  try {
    parseFilter(input)
  } catch (error) {
    expect(error).toBeInstanceOf(VecpodsError)
    expect((error as VecpodsError).code).toBe('invalid_filter')
    return (error as VecpodsError).message
  }
  throw new Error('expected invalid_filter')
}

describe('parseFilter', () => {
  it('reads every operator and both combinators', () => {
    expect(
      parseFilter({
        $or: [{ year: { $gte: 2020, $lt: 2025 } }, { tags: { $contains: 'db' } }],
        lang: { $in: ['en', 'de'] },
        draft: { $exists: false },
        author: { $ne: null },
        url: { $nin: ['/a'] },
        package: { $eq: 'hono' },
      }),
    ).toEqual({
      kind: 'and',
      parts: [
        {
          kind: 'or',
          parts: [
            {
              kind: 'and',
              parts: [
                { kind: 'cmp', key: 'year', op: '>=', value: 2020 },
                { kind: 'cmp', key: 'year', op: '<', value: 2025 },
              ],
            },
            { kind: 'contains', key: 'tags', value: 'db' },
          ],
        },
        { kind: 'in', key: 'lang', values: ['en', 'de'] },
        { kind: 'exists', key: 'draft', exists: false },
        { kind: 'ne', key: 'author', value: null },
        { kind: 'nin', key: 'url', values: ['/a'] },
        { kind: 'eq', key: 'package', value: 'hono' },
      ],
    })
  })

  it('names the path and the problem of a bad filter', () => {
    expect(problem({ year: { $between: [1, 2] } })).toBe(
      'filters.year.$between: unknown operator "$between" (one of $eq $ne $gt $gte $lt $lte $in $nin $contains $exists)',
    )
    expect(problem({ year: 2012 })).toMatch(/^filters\.year: expected an operator object/)
    expect(problem({ $not: {} })).toMatch(/^filters\.\$not: unknown logical operator/)
    expect(problem({ $and: [] })).toMatch(/^filters\.\$and: expected a non-empty array/)
    expect(problem({ $or: [{ a: { $gt: [1] } }] })).toBe(
      'filters.$or[0].a.$gt: expected a string, number, boolean or null (ranges do not compare arrays or objects here)',
    )
    expect(problem({ a: { $in: 'x' } })).toMatch(/expected a non-empty array/)
    expect(problem({ a: { $eq: { b: { c: { d: { e: { f: 1 } } } } } } })).toMatch(/values nest at most 4 levels/)
    expect(problem({ a: { $exists: 'yes' } })).toMatch(/expected true or false/)
    expect(problem([])).toBe('filters: expected an object')
  })

  it('bounds depth, size and lengths', () => {
    let deep: unknown = { a: { $eq: 1 } }
    for (let i = 0; i < 10; i++) deep = { $and: [deep] }
    expect(problem(deep)).toMatch(/nested deeper than 8 levels/)
    expect(problem({ a: { $in: Array.from({ length: 101 }, (_, i) => i) } })).toMatch(/at most 100 values/)
    expect(problem({ ['k'.repeat(129)]: { $eq: 1 } })).toMatch(/field names must be 1 to 128 characters/)
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`f${i}`, { $eq: i }]))
    expect(problem(many)).toMatch(/more than 64 conditions/)
  })
})

describe('compileFilter', () => {
  it('emits only containment and jsonpath, every value as a parameter', () => {
    const compiled = compileFilter(
      parseFilter({ $or: [{ year: { $gt: 2012 } }, { url: { $eq: "/it's" } }], tags: { $contains: 'x' }, d: { $exists: true } }),
      'metadata',
      2,
    )
    expect(compiled.sql).toBe(
      '((metadata @@ $2::jsonpath or metadata @> $3::jsonb) and (metadata @> $4::jsonb or metadata @> $5::jsonb) and metadata @? $6::jsonpath)',
    )
    expect(compiled.params.slice(1)).toEqual(['{"url":"/it\'s"}', '{"tags":["x"]}', '{"tags":"x"}', '$."d"'])
    // jsonb's ordering: booleans, non-empty arrays and objects sort above every number.
    expect(compiled.params[0]).toBe(
      'strict ($."year".type() == "boolean" || ($."year".type() == "array" && $."year".size() > 0) || $."year".type() == "object" || ($."year".type() == "number" && $."year" > 2012))',
    )
    expect(compiled.sql).not.toMatch(/->>|->|[^@]\?\s|::int|::numeric/)
  })

  it('tests a several-value $in with one jsonpath, a one-value $in with containment', () => {
    const several = compileFilter(parseFilter({ a: { $in: ['x', 2] } }))
    expect(several.sql).toBe('metadata @@ $1::jsonpath')
    expect(several.params[0]).toBe('strict ($."a".type() == "string" && $."a" == "x") || ($."a".type() == "number" && $."a" == 2)')
    expect(compileFilter(parseFilter({ a: { $in: ['x'] } }))).toMatchObject({ sql: 'metadata @> $1::jsonb', params: ['{"a":"x"}'] })
  })

  it('joins the jsonpath tests under one $and / $or into one, keeping containment apart', () => {
    const ranges = compileFilter(parseFilter({ $or: [{ y: { $gte: 1 } }, { y: { $lt: 0 } }, { u: { $eq: 'x' } }] }))
    expect(ranges.sql).toBe('(metadata @@ $1::jsonpath or metadata @> $2::jsonb)')
    expect(ranges.params[0]).toMatch(/^strict \(\(.*\) \|\| \(.*\)\)$/)
    expect(ranges.params[0]!.match(/strict/g)).toHaveLength(1)
    const both = compileFilter(parseFilter({ $and: [{ y: { $gte: 1 } }, { z: { $in: [1, 2] } }] }))
    expect(both.sql).toBe('metadata @@ $1::jsonpath')
    expect(both.params[0]).toContain(') && (')
  })

  it('quotes keys with jsonpath metacharacters as string literals', () => {
    const { params } = compileFilter(parseFilter({ 'a" || $.b == 1 || "': { $gt: 1 } }))
    expect(params[0]).toContain('$."a\\" || $.b == 1 || \\"".type()')
    expect(params[0]!.replaceAll('$."a\\" || $.b == 1 || \\""', 'K')).not.toContain('$.b')
  })

  it('negates $ne, $nin and $exists:false around containment and existence only', () => {
    expect(compileFilter(parseFilter({ a: { $nin: [1, 2] } })).sql).toBe('(metadata @? $1::jsonpath and not (metadata @@ $2::jsonpath))')
    expect(compileFilter(parseFilter({ a: { $ne: 1 } })).sql).toBe('(metadata @? $1::jsonpath and not (metadata @> $2::jsonb))')
    expect(compileFilter(parseFilter({ a: { $exists: false } })).sql).toBe('not (metadata @? $1::jsonpath)')
  })
})

describe('matches', () => {
  it('follows vecs: $eq is jsonb equality, $contains is top-level containment, $ne needs the key', () => {
    const f = parseFilter({ tags: { $eq: 'a' } })
    expect(matches(f, { tags: 'a' })).toBe(true)
    expect(matches(f, { tags: ['a'] })).toBe(false)
    expect(matches(parseFilter({ tags: { $eq: ['a', 'b'] } }), { tags: ['a', 'b'] })).toBe(true)
    expect(matches(parseFilter({ tags: { $eq: ['a', 'b'] } }), { tags: ['b', 'a'] })).toBe(false)
    expect(matches(parseFilter({ o: { $eq: { x: 1 } } }), { o: { x: 1, y: 2 } })).toBe(false)
    expect(matches(parseFilter({ tags: { $contains: 'a' } }), { tags: ['b', 'a'] })).toBe(true)
    expect(matches(parseFilter({ tags: { $contains: 'a' } }), { tags: 'a' })).toBe(true)
    expect(matches(parseFilter({ missing: { $ne: 1 } }), {})).toBe(false)
    expect(matches(parseFilter({ missing: { $ne: 1 } }), { missing: null })).toBe(true)
  })

  it('orders across types as jsonb does: [] < null < strings < numbers < booleans < arrays < objects', () => {
    const f = parseFilter({ year: { $gt: 2012 } })
    expect(matches(f, { year: 2013 })).toBe(true)
    expect(matches(f, { year: '2013' })).toBe(false)
    expect(matches(f, { year: true })).toBe(true)
    expect(matches(f, { year: [1] })).toBe(true)
    expect(matches(f, { year: [] })).toBe(false)
    expect(matches(f, {})).toBe(false)
    expect(matches(parseFilter({ s: { $lt: 5 } }), { s: 'zzz' })).toBe(true)
    expect(matches(parseFilter({ s: { $lt: null } }), { s: [] })).toBe(true)
  })
})
