import { parseRegistry } from '@vecpods/registry'
import { describe, expect, it } from 'vitest'
import { selectEmbedder } from './select.ts'
import { transformersEmbedder } from './transformers.ts'

const kit = { transformers: transformersEmbedder }

const registry = parseRegistry({ model: { id: 'Supabase/gte-small', dims: 384 }, pods: { p: {} }, collections: {} })
/** What Supabase Edge Runtime puts on globalThis, reduced to the shape the embedder calls. */
const edgeRuntime = {
  Supabase: {
    ai: {
      Session: class {
        constructor(readonly model: string) {}
        run(text: string) {
          return Promise.resolve(Array.from({ length: 384 }, (_, i) => (i === text.length % 384 ? 1 : 0)))
        }
      },
    },
  },
}

describe('selectEmbedder', () => {
  it('uses the Edge Runtime gte-small by default inside Supabase, transformers.js elsewhere', async () => {
    const inside = selectEmbedder(registry, {}, { ...kit, scope: edgeRuntime })!
    expect(inside).toMatchObject({ model: 'Supabase/gte-small', dims: 384, kind: 'semantic' })
    expect((await inside.embed(['ab', 'abc'])).map((v) => v.indexOf(1))).toEqual([2, 3])
    expect(selectEmbedder(registry, {}, { ...kit, scope: {} })).toMatchObject({ model: 'Supabase/gte-small', kind: 'semantic' })
  })

  it('picks the offline static word-vector model, which needs its directory', () => {
    expect(selectEmbedder(registry, { VECPODS_EMBEDDER: 'static', VECPODS_MODEL_PATH: '/models' }, kit)).toMatchObject({
      model: 'vecpods/static-384',
      kind: 'static',
    })
    expect(() => selectEmbedder(registry, { VECPODS_EMBEDDER: 'static' }, kit)).toThrow(/VECPODS_EMBEDDER=static needs VECPODS_MODEL_PATH/)
  })

  it('picks the offline lexical model, which needs its directory', () => {
    expect(selectEmbedder(registry, { VECPODS_EMBEDDER: 'lexical', VECPODS_MODEL_PATH: '/models' }, kit)).toMatchObject({
      model: 'vecpods/lexical-384',
      kind: 'lexical',
    })
    expect(() => selectEmbedder(registry, { VECPODS_EMBEDDER: 'lexical' }, kit)).toThrow(/VECPODS_MODEL_PATH/)
  })

  it('can be switched off, and refuses unknown choices or Supabase.ai outside the Edge Runtime', () => {
    expect(selectEmbedder(registry, { VECPODS_EMBEDDER: 'none' })).toBeUndefined()
    expect(() => selectEmbedder(registry, { VECPODS_EMBEDDER: 'openai' })).toThrow(/one of auto, supabase-ai, transformers, static, lexical, none/)
    expect(() => selectEmbedder(registry, { VECPODS_EMBEDDER: 'supabase-ai' }, { scope: {} })).toThrow(/only available inside Supabase Edge Runtime/)
  })

  it('refuses the lexical model for a registry whose model has other dimensions', () => {
    const wide = parseRegistry({ model: { id: 'x/768', dims: 768 }, pods: { p: {} }, collections: {} })
    expect(() => selectEmbedder(wide, { VECPODS_EMBEDDER: 'lexical', VECPODS_MODEL_PATH: '/m' }, kit)).toThrow(/384 dimensions/)
  })

  it('names the missing embedder when the entry does not load transformers.js (the deployed function)', () => {
    expect(() => selectEmbedder(registry, { VECPODS_EMBEDDER: 'lexical', VECPODS_MODEL_PATH: '/m' })).toThrow(
      /needs transformers\.js, which this entry does not load/,
    )
    expect(() => selectEmbedder(registry, {}, { scope: {} })).toThrow(/VECPODS_EMBEDDER=auto outside Supabase Edge Runtime needs transformers\.js/)
    expect(selectEmbedder(registry, {}, { scope: edgeRuntime })).toMatchObject({ kind: 'semantic' })
  })
})

describe('batches', () => {
  it('cuts by count and by total size, never leaving an item out', async () => {
    const { batches } = await import('./transformers.ts')
    expect(batches([1, 1, 1, 1, 1], (x) => x, 2, 100)).toEqual([[1, 1], [1, 1], [1]])
    expect(batches([5, 5, 5, 20, 1], (x) => x, 32, 10)).toEqual([[5, 5], [5], [20], [1]])
    expect(batches([], (x: number) => x, 32, 10)).toEqual([])
  })
})
