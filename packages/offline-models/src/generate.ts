import { createHash } from 'node:crypto'
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { modelConfig, tokenizerConfig, tokenizerJson } from './files.ts'
import { LEXICAL_DIMS, LEXICAL_MODEL_ID } from './id.ts'
import { buildOnnxModel } from './onnx-graph.ts'
import { seededRow } from './vectors.ts'
import { buildVocab } from './vocab.ts'

const LEXICAL_NOTE = {
  kind: 'lexical',
  note: 'Generated offline by @vecpods/offline-models: a weighted bag of words (random projection), not a semantic model.',
}

/** Bump when the generated output changes, so existing copies are regenerated. */
const GENERATOR_VERSION = 2

export interface GeneratedModel {
  id: string
  dir: string
  vocabSize: number
  bytes: number
  /** sha256 of model.onnx + tokenizer.json: equal on every machine for one generator version. */
  digest: string
  /** False when an up-to-date copy was already there. */
  written: boolean
  /** True when it was copied from the per-user cache instead of built. */
  fromCache?: boolean
}

/**
 * The per-user cache of generated models (`$XDG_CACHE_HOME/vecpods/models`, else
 * `~/.cache/vecpods/models`): a fresh clone copies a model built before instead of building it.
 * Entries are keyed by model id and generator version (weights included), the model's inputs.
 */
export function modelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'vecpods', 'models')
}

/** Builds the model files in memory. */
export function buildLexicalModel(): BuiltModel {
  const vocab = buildVocab()
  const table = new Int8Array(vocab.length * LEXICAL_DIMS)
  const weights = new Float32Array(vocab.length)
  vocab.forEach((token, i) => {
    table.set(seededRow(token.seed, LEXICAL_DIMS), i * LEXICAL_DIMS)
    weights[i] = token.weight
  })
  const onnx = buildOnnxModel(table, weights, LEXICAL_DIMS, `${LEXICAL_MODEL_ID} v${GENERATOR_VERSION}: lexical bag-of-words embeddings`)
  const files: Record<string, string | Uint8Array> = {
    'config.json': json({ ...modelConfig(vocab.length, LEXICAL_DIMS, LEXICAL_NOTE), vecpods_generator: GENERATOR_VERSION }),
    'tokenizer_config.json': json(tokenizerConfig()),
    'tokenizer.json': json(tokenizerJson(vocab)),
    'onnx/model.onnx': onnx,
  }
  const digest = createHash('sha256').update(onnx).update(files['tokenizer.json']!).digest('hex')
  return { files, vocabSize: vocab.length, digest }
}

/**
 * Writes the model to `<root>/vecpods/lexical-384/` (the layout transformers.js reads with
 * `env.localModelPath = root`), unless an up-to-date copy is there.
 */
export function writeLexicalModel(root: string, cacheDir?: string): Promise<GeneratedModel> {
  return writeModel(root, LEXICAL_MODEL_ID, GENERATOR_VERSION, async () => buildLexicalModel(), cacheDir)
}

export interface BuiltModel {
  files: Record<string, string | Uint8Array>
  vocabSize: number
  digest: string
}

/**
 * Writes a generated model to `<root>/<id>/` unless a copy of this generator version is there.
 * Written to a temporary directory and renamed, so a reader never sees half a model.
 */
type Stamp = { version: number | string; digest: string; bytes: number; vocabSize: number }
const readStamp = (dir: string) =>
  readFile(path.join(dir, 'vecpods-model.json'), 'utf8').then(
    (t) => JSON.parse(t) as Stamp,
    () => undefined,
  )

export async function writeModel(
  root: string,
  id: string,
  version: number | string,
  build: () => Promise<BuiltModel>,
  cacheDir?: string,
): Promise<GeneratedModel> {
  const dir = path.join(root, id)
  const stamp = await readStamp(dir)
  if (stamp?.version === version) {
    return { id, dir, vocabSize: stamp.vocabSize, bytes: stamp.bytes, digest: stamp.digest, written: false }
  }
  const cached = cacheDir ? path.join(cacheDir, id, createHash('sha256').update(String(version)).digest('hex').slice(0, 16)) : undefined
  const hit = cached ? await readStamp(cached) : undefined
  if (cached && hit?.version === version) {
    await replaceDir(dir, (tmp) => cp(cached, tmp, { recursive: true }))
    return { id, dir, vocabSize: hit.vocabSize, bytes: hit.bytes, digest: hit.digest, written: true, fromCache: true }
  }
  const { files, vocabSize, digest } = await build()
  let bytes = 0
  await replaceDir(dir, async (tmp) => {
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(tmp, name)), { recursive: true })
      await writeFile(path.join(tmp, name), content)
      bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength
    }
    await writeFile(path.join(tmp, 'vecpods-model.json'), json({ version, digest, bytes, vocabSize }))
  })
  if (cached) await replaceDir(cached, (tmp) => cp(dir, tmp, { recursive: true }))
  return { id, dir, vocabSize, bytes, digest, written: true }
}

/** Fills a fresh sibling of `target` with `fill`, then swaps it in, so no reader sees half of it. */
async function replaceDir(target: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${target}.tmp-${process.pid}`
  await rm(tmp, { recursive: true, force: true })
  await mkdir(path.dirname(target), { recursive: true })
  await fill(tmp)
  await rm(target, { recursive: true, force: true })
  await rename(tmp, target)
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}
