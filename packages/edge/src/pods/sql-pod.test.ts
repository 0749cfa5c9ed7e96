import { describe, expect, it } from 'vitest'
import { lowerFilter, parseFilter } from '../filters/index.ts'
import { directSearch, vectorLiteral } from './sql-pod.ts'
import type { PodSearch } from './types.ts'

const search: PodSearch = {
  collection: 'docs',
  measure: 'cosine',
  vector: [0.5, -1e-7, 2],
  limit: 10,
  includeMetadata: true,
  includeValue: false,
  efSearch: 40,
  exact: false,
}

describe('directSearch', () => {
  it('writes the vector in, so an unfiltered search has no parameters (one round trip without prepared statements)', () => {
    const [text, params] = directSearch(search)
    expect(params).toEqual([])
    expect(text).toBe(
      "select id, vec operator(extensions.<=>) '[0.5,-1e-7,2]'::extensions.vector as distance, metadata from vecs.\"docs\" order by vec operator(extensions.<=>) '[0.5,-1e-7,2]'::extensions.vector limit 10",
    )
  })

  it("keeps a filter's values as parameters, numbered from $1", () => {
    const [text, params] = directSearch({ ...search, filter: lowerFilter(parseFilter({ lang: { $eq: "it's" } })) })
    expect(text).toContain('where metadata @> $1::jsonb order by')
    expect(params).toEqual([{ lang: "it's" }])
  })

  it('refuses a vector that is not all finite numbers', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) expect(() => vectorLiteral([1, bad])).toThrow(/finite numbers/)
  })
})
