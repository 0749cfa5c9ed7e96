import { describe, expectTypeOf, it } from 'vitest'
import type { VecpodsCollections } from '../../../vecpods.types.ts'
import { createVectorClient, type Filter, type SearchHit, type VecpodsError } from './index.ts'

/** Collections as `pnpm gen` types them from the registry. */
type MyCollections = {
  docs: { url: string; package: string; version: string; tags?: string[] }
  posts: { url: string; year: number; draft?: boolean }
}
const vecpods = createVectorClient<MyCollections>({ url: 'http://127.0.0.1:54321', key: 'anon' })

describe('filter types', () => {
  it('accepts the operators each field type supports', () => {
    expectTypeOf<{ year: { $gte: 2020; $lt: 2025 } }>().toExtend<Filter<MyCollections['posts']>>()
    expectTypeOf<{ $or: [{ url: { $eq: '/a' } }, { year: { $in: [2020, 2021] } }] }>().toExtend<Filter<MyCollections['posts']>>()
    expectTypeOf<{ tags: { $contains: 'db' } }>().toExtend<Filter<MyCollections['docs']>>()
    expectTypeOf<{ draft: { $exists: true; $ne: true } }>().toExtend<Filter<MyCollections['posts']>>()
  })

  it('rejects a wrong operator, a wrong value type and an unknown field', () => {
    expectTypeOf<{ year: { $contains: 2020 } }>().not.toExtend<Filter<MyCollections['posts']>>()
    expectTypeOf<{ year: { $eq: '2020' } }>().not.toExtend<Filter<MyCollections['posts']>>()
    expectTypeOf<{ tags: { $gt: 'a' } }>().not.toExtend<Filter<MyCollections['docs']>>()
    expectTypeOf<{ draft: { $gt: true } }>().not.toExtend<Filter<MyCollections['posts']>>()
    // @ts-expect-error: `$contains` is for array fields; year is a number.
    void vecpods.search('q', { collection: 'posts', filters: { year: { $contains: 2020 } } })
    // @ts-expect-error: no field "nope" on posts.
    void vecpods.search('q', { collection: 'posts', filters: { nope: { $eq: 1 } } })
    // @ts-expect-error: an unknown collection.
    void vecpods.search('q', { collection: 'nope' })
  })
})

describe('result types', () => {
  it('types hits by collection: metadata narrows with the collection name', async () => {
    const { data, error } = await vecpods.search('q', { collections: ['docs', 'posts'] })
    if (error) {
      expectTypeOf(error).toEqualTypeOf<VecpodsError>()
      expectTypeOf(data).toEqualTypeOf<null>()
      return
    }
    const hit = data[0]!
    expectTypeOf(hit.collection).toEqualTypeOf<'docs' | 'posts'>()
    if (hit.collection === 'posts') expectTypeOf(hit.metadata).toEqualTypeOf<MyCollections['posts']>()
    else expectTypeOf(hit.metadata).toEqualTypeOf<MyCollections['docs']>()
  })

  it('a single collection gives that collection’s hits', async () => {
    const { data } = await vecpods.search([0.1, 0.2], { collection: 'docs', limit: 3 })
    expectTypeOf(data).toEqualTypeOf<SearchHit<MyCollections, 'docs'>[] | null>()
  })

  it('get/list/upsert are typed by the collection’s metadata', async () => {
    const { data } = await vecpods.get('posts', 'id')
    expectTypeOf(data!.metadata.year).toEqualTypeOf<number>()
    // @ts-expect-error: `where` must match the metadata type.
    void vecpods.list('posts', { where: { year: 'old' } })
    // @ts-expect-error: a record has text or a vector, not both.
    void vecpods.upsert('docs', [{ id: 'a', text: 't', vector: [1] }])
  })
})

describe('throwOnError()', () => {
  it('narrows data to non-null on every call, as postgrest-js does', async () => {
    const strict = vecpods.throwOnError()
    const found = await strict.search('q', { collection: 'docs' })
    expectTypeOf(found.data).toEqualTypeOf<SearchHit<MyCollections, 'docs'>[]>()
    expectTypeOf(found.meta.mode).toEqualTypeOf<'vector' | 'text' | 'hybrid'>()
    expectTypeOf(found.error).toEqualTypeOf<null>()
    expectTypeOf((await strict.list('posts')).data[0]!.metadata.year).toEqualTypeOf<number>()
    expectTypeOf((await strict.upsert('docs', [])).data.upserted).toEqualTypeOf<number>()
    expectTypeOf((await strict.delete('docs', { ids: ['a'] })).data.deleted).toEqualTypeOf<number>()
    // get stays nullable: no row is not an error.
    expectTypeOf((await strict.get('posts', 'id')).data).toEqualTypeOf<
      ({ id: string; metadata: MyCollections['posts'] } & Partial<Record<string, unknown>>) | null
    >()
  })
})

describe('types generated from the registry (vecpods.types.ts)', () => {
  it('check filters against the registry columns', () => {
    const fromRegistry = createVectorClient<VecpodsCollections>({ url: 'http://127.0.0.1:54321', key: 'anon' })
    void fromRegistry.search('q', { collection: 'posts', filters: { year: { $gte: 2020 }, url: { $ne: '/a' } } })
    // @ts-expect-error: year is a number column.
    void fromRegistry.search('q', { collection: 'posts', filters: { year: { $eq: 'recent' } } })
    expectTypeOf<SearchHit<VecpodsCollections, 'docs'>['metadata']['package']>().toEqualTypeOf<string | undefined>()
  })
})
