import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { env, pipeline } from '@huggingface/transformers'
import { afterAll, describe, expect, it } from 'vitest'
import { buildLexicalModel, LEXICAL_MODEL_ID, writeLexicalModel } from './index.ts'

const root = mkdtempSync(join(tmpdir(), 'vecpods-model-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('the generated lexical model', () => {
  it('is deterministic: two builds are byte-identical', () => {
    expect(buildLexicalModel().digest).toBe(buildLexicalModel().digest)
  })

  it('is written once in the transformers.js layout, and left alone when up to date', async () => {
    const first = await writeLexicalModel(root)
    expect(first).toMatchObject({ id: LEXICAL_MODEL_ID, written: true })
    const tokenizer = JSON.parse(readFileSync(join(first.dir, 'tokenizer.json'), 'utf8')) as Record<string, unknown>
    expect(Object.keys(tokenizer)).toEqual(expect.arrayContaining(['added_tokens', 'normalizer', 'pre_tokenizer', 'post_processor', 'decoder', 'model']))
    expect(JSON.parse(readFileSync(join(first.dir, 'tokenizer_config.json'), 'utf8'))).toMatchObject({ tokenizer_class: 'BertTokenizer', pad_token: '[PAD]' })
    expect((await writeLexicalModel(root)).written).toBe(false)
  })

  it('is copied from the cache on a second machine’s first run, byte for byte, and cached after a build', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'vecpods-model-cache-'))
    const built = await writeLexicalModel(mkdtempSync(join(tmpdir(), 'vecpods-model-a-')), cache)
    expect(built).toMatchObject({ written: true })
    expect(built.fromCache).toBeUndefined()
    const copied = await writeLexicalModel(mkdtempSync(join(tmpdir(), 'vecpods-model-b-')), cache)
    expect(copied).toMatchObject({ written: true, fromCache: true, digest: built.digest, bytes: built.bytes })
    for (const file of ['onnx/model.onnx', 'tokenizer.json', 'vecpods-model.json']) {
      expect(readFileSync(join(copied.dir, file)).equals(readFileSync(join(built.dir, file)))).toBe(true)
    }
  })

  it('embeds through transformers.js feature-extraction: 384 normalised dims, shared words score higher', async () => {
    await writeLexicalModel(root)
    env.localModelPath = root
    env.allowRemoteModels = false
    const extract = await pipeline('feature-extraction', LEXICAL_MODEL_ID, { dtype: 'fp32' })
    const texts = ['How do I create an HNSW index on a vector column?', 'creating indexes for vectors with hnsw', 'The cat sat on the mat in the sun', '']
    const vectors = (await extract(texts, { pooling: 'mean', normalize: true })).tolist() as number[][]
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0)
    expect(vectors.map((v) => v.length)).toEqual([384, 384, 384, 384])
    expect(dot(vectors[0]!, vectors[0]!)).toBeCloseTo(1, 4)
    expect(dot(vectors[0]!, vectors[1]!)).toBeGreaterThan(0.6)
    expect(Math.abs(dot(vectors[0]!, vectors[2]!))).toBeLessThan(0.2)
    // No words at all still gives a unit vector (the [CLS] direction), never NaN.
    expect(dot(vectors[3]!, vectors[3]!)).toBeCloseTo(1, 4)
    const again = (await extract([texts[0]!], { pooling: 'mean', normalize: true })).tolist() as number[][]
    expect(again[0]).toEqual(vectors[0])
  })
})
