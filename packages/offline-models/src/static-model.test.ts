import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AutoTokenizer, env, pipeline } from '@huggingface/transformers'
import { loadGlove } from '@vecpods/glove'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStaticModel, STATIC_MODEL_ID, writeStaticModel } from './index.ts'

const root = mkdtempSync(join(tmpdir(), 'vecpods-static-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

type Extract = (texts: string[], o: { pooling: 'mean'; normalize: true }) => Promise<{ tolist(): number[][] }>
let extract: Extract
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0)

beforeAll(async () => {
  await writeStaticModel(root)
  env.localModelPath = root
  env.allowRemoteModels = false
  extract = (await pipeline('feature-extraction', STATIC_MODEL_ID, { dtype: 'fp32' })) as unknown as Extract
}, 60_000)

describe('the generated static word-vector model', () => {
  it('is deterministic, in the transformers.js layout, and labelled as not gte-small', async () => {
    const glove = await loadGlove(60_000)
    expect(buildStaticModel(glove).digest).toBe(buildStaticModel(glove).digest)
    const config = JSON.parse(readFileSync(join(root, STATIC_MODEL_ID, 'config.json'), 'utf8'))
    expect(config.vecpods).toMatchObject({ kind: 'static', note: expect.stringContaining('Not gte-small') })
  }, 30_000)

  it('splits code identifiers the same way for every text', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(STATIC_MODEL_ID)
    expect(tokenizer.tokenize('toLowerCase HTTPServer readFileSync')).toEqual(['to', 'lower', 'case', 'http', 'server', 'read', 'file', 'sync'])
    const [a, b] = (await extract(['toLowerCase', 'to lower case'], { pooling: 'mean', normalize: true })).tolist()
    expect(dot(a!, b!)).toBeCloseTo(1, 5)
  })

  it('brings related words together that share no word, and keeps unrelated text apart', async () => {
    const texts = ['stop an ongoing download', 'cancel a running transfer', 'the cat sat on the mat', 'stop an ongoing download now']
    const [q, related, unrelated, same] = (await extract(texts, { pooling: 'mean', normalize: true })).tolist()
    expect(dot(q!, related!)).toBeGreaterThan(dot(q!, unrelated!) + 0.1)
    // Exact words still count most.
    expect(dot(q!, same!)).toBeGreaterThan(dot(q!, related!))
    expect(dot(q!, q!)).toBeCloseTo(1, 4)
  })
})
