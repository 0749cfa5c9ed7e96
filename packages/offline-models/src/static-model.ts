import { createHash } from 'node:crypto'
import { type Glove, loadGlove } from '@vecpods/glove'
import { modelConfig, tokenizerConfig, tokenizerJson } from './files.ts'
import { type BuiltModel, type GeneratedModel, json, writeModel } from './generate.ts'
import { LEXICAL_DIMS, STATIC_MODEL_ID } from './id.ts'
import { buildOnnxModel } from './onnx-graph.ts'
import { seededRow } from './vectors.ts'
import { buildVocab, type Token } from './vocab.ts'

/**
 * How the static model mixes its parts. Chosen by measurement (`pnpm eval --sweep`, figures in
 * BENCHMARKS.md), not by taste.
 */
export interface StaticWeights {
  /** Scale of the semantic part (GloVe) against the lexical part (1 = equal). */
  semantic: number
  /** Smooth inverse frequency `a`: a word of probability p weighs a / (a + p) in the semantic part. */
  sif: number
  /** Extra vocabulary: the most frequent GloVe words (a–z) the word lists lack, up to this rank. */
  extraVocabRank: number
  /**
   * Principal components of the (centred) GloVe vectors removed from every word vector: the
   * directions all words share, which mean pooling would otherwise let dominate ("all but the top").
   */
  removeComponents: number
}

export const STATIC_WEIGHTS: StaticWeights = { semantic: 0.75, sif: 1e-3, extraVocabRank: 30_000, removeComponents: 5 }

/** The lexical part takes the dimensions the GloVe part leaves. */
const MODEL_DIMS = LEXICAL_DIMS
/** Weight of the lexical part of words only the GloVe list adds (between SCOWL's common and rare). */
const EXTRA_WORD_WEIGHT = 1.5
/** Centre of the GloVe vectors over the most frequent words: removing it removes the direction every word shares. */
const CENTRE_WORDS = 50_000

/**
 * Splits code identifiers before lower-casing, for queries and documents alike:
 * `toLowerCase` → `to Lower Case`, `HTTPServer` → `HTTP Server`, `v8Flags` → `v8 Flags`.
 */
export const IDENTIFIER_SPLIT = [
  { type: 'Replace', pattern: { Regex: '(?<=[a-z0-9])(?=[A-Z])' }, content: ' ' },
  { type: 'Replace', pattern: { Regex: '(?<=[A-Z])(?=[A-Z][a-z])' }, content: ' ' },
]

/** Bump when the generated output changes, so existing copies are regenerated. */
export const STATIC_GENERATOR_VERSION = 2

/**
 * Builds the static word-vector model: the lexical model's vocabulary (plus the most frequent
 * GloVe words it lacks), each token's row `[lexical part (284 dims) ; semantic part (100 dims)]`.
 * The lexical part is the lexical model's seeded random direction times its weight (exact words
 * still count); the semantic part is the word's GloVe vector, centred and normalised, times its
 * smooth-inverse-frequency weight (related words now meet). Each row is stored as int8 with its
 * norm as the token weight, through the same ONNX graph and mean pooling as the lexical model.
 */
export function buildStaticModel(glove: Glove, weights: StaticWeights = STATIC_WEIGHTS): BuiltModel {
  const semanticDims = glove.dims
  const lexicalDims = MODEL_DIMS - semanticDims
  const vocab = extendVocab(buildVocab(), glove, weights.extraVocabRank)
  const sample = Math.min(CENTRE_WORDS, glove.words.length)
  const centre = centreOf(glove, sample)
  const components = topComponents(glove, centre, sample, weights.removeComponents)
  // Zipf: the word of rank r (from 1) has probability about 1 / (r × H), H the harmonic number of the list.
  const harmonic = Math.log(glove.words.length) + 0.5772
  const table = new Int8Array(vocab.length * MODEL_DIMS)
  const tokenWeights = new Float32Array(vocab.length)
  const row = new Float32Array(MODEL_DIMS)
  for (const [i, token] of vocab.entries()) {
    row.fill(0)
    if (token.weight > 0) {
      const lexical = seededRow(token.seed, lexicalDims)
      const norm = Math.hypot(...lexical) || 1
      for (let d = 0; d < lexicalDims; d++) row[d] = (lexical[d]! / norm) * token.weight
      const continuation = token.piece.startsWith('##')
      const word = continuation ? token.piece.slice(2) : token.piece
      const rank = /^[a-z]+$/.test(word) ? glove.rank.get(word) : undefined
      if (rank !== undefined) {
        const p = 1 / ((rank + 1) * harmonic)
        const sif = weights.sif / (weights.sif + p)
        const v = new Float32Array(semanticDims)
        for (let d = 0; d < semanticDims; d++) v[d] = glove.vectors[rank * semanticDims + d]! - centre[d]!
        for (const u of components) {
          let p = 0
          for (let d = 0; d < semanticDims; d++) p += v[d]! * u[d]!
          for (let d = 0; d < semanticDims; d++) v[d]! -= p * u[d]!
        }
        const vNorm = Math.hypot(...v) || 1
        // The semantic part weighs like the lexical part of the same token, scaled by SIF and the mix.
        const scale = (weights.semantic * sif * token.weight) / vNorm
        for (let d = 0; d < semanticDims; d++) row[lexicalDims + d] = v[d]! * scale
      }
    }
    const rowNorm = Math.hypot(...row)
    tokenWeights[i] = rowNorm
    if (rowNorm > 0) for (let d = 0; d < MODEL_DIMS; d++) table[i * MODEL_DIMS + d] = Math.round((row[d]! / rowNorm) * 127)
  }
  const onnx = buildOnnxModel(
    table,
    tokenWeights,
    MODEL_DIMS,
    `${STATIC_MODEL_ID} v${STATIC_GENERATOR_VERSION}: static word vectors (GloVe) + lexical bag of words`,
  )
  const config = modelConfig(vocab.length, MODEL_DIMS, {
    kind: 'static',
    note: 'Generated offline by @vecpods/offline-models: static word vectors (GloVe 100d, smooth-inverse-frequency weighted) plus a lexical bag of words, mean-pooled. Not gte-small: no word order, no context.',
  })
  const files: Record<string, string | Uint8Array> = {
    'config.json': json({ ...config, vecpods_generator: STATIC_GENERATOR_VERSION, vecpods_weights: weights }),
    'tokenizer_config.json': json(tokenizerConfig()),
    'tokenizer.json': json(tokenizerJson(vocab, IDENTIFIER_SPLIT)),
    'onnx/model.onnx': onnx,
  }
  const digest = createHash('sha256').update(onnx).update(files['tokenizer.json']!).digest('hex')
  return { files, vocabSize: vocab.length, digest }
}

/** The vocabulary plus GloVe's most frequent a–z words (length ≥ 3) it lacks, as whole words. */
function extendVocab(vocab: Token[], glove: Glove, upToRank: number): Token[] {
  const have = new Set(vocab.map((t) => t.piece))
  const out = [...vocab]
  for (const word of glove.words.slice(0, upToRank)) {
    if (word.length >= 3 && /^[a-z]+$/.test(word) && !have.has(word)) {
      have.add(word)
      out.push({ piece: word, seed: word, weight: EXTRA_WORD_WEIGHT })
    }
  }
  return out
}

/** The `count` leading principal components of the centred vectors of the first `words` words (power iteration, deflated). */
function topComponents(glove: Glove, centre: Float32Array, words: number, count: number): Float64Array[] {
  const n = glove.dims
  const cov = new Float64Array(n * n)
  const v = new Float64Array(n)
  for (let i = 0; i < words; i++) {
    for (let d = 0; d < n; d++) v[d] = glove.vectors[i * n + d]! - centre[d]!
    for (let a = 0; a < n; a++) for (let b = a; b < n; b++) cov[a * n + b]! += v[a]! * v[b]!
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) cov[a * n + b] = cov[b * n + a]!
  const out: Float64Array[] = []
  for (let c = 0; c < count; c++) {
    // Deterministic start; 200 iterations converge well past int8 precision for these spectra.
    let u = Float64Array.from({ length: n }, (_, d) => 1 / Math.sqrt(n) + d * 1e-3)
    for (let it = 0; it < 200; it++) {
      const next = new Float64Array(n)
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) next[a]! += cov[a * n + b]! * u[b]!
      for (const w of out) {
        let p = 0
        for (let d = 0; d < n; d++) p += next[d]! * w[d]!
        for (let d = 0; d < n; d++) next[d]! -= p * w[d]!
      }
      const norm = Math.hypot(...next) || 1
      u = next.map((x) => x / norm)
    }
    out.push(u)
  }
  return out
}

function centreOf(glove: Glove, words: number): Float32Array {
  const centre = new Float32Array(glove.dims)
  for (let i = 0; i < words; i++) for (let d = 0; d < glove.dims; d++) centre[d]! += glove.vectors[i * glove.dims + d]! / words
  return centre
}

/** Writes the static model to `<root>/vecpods/static-384/` unless an up-to-date copy is there (or in `cacheDir`; reads GloVe only otherwise). */
export function writeStaticModel(root: string, weights: StaticWeights = STATIC_WEIGHTS, cacheDir?: string): Promise<GeneratedModel> {
  const version = weights === STATIC_WEIGHTS ? STATIC_GENERATOR_VERSION : `${STATIC_GENERATOR_VERSION}:${JSON.stringify(weights)}`
  return writeModel(root, STATIC_MODEL_ID, version, async () => buildStaticModel(await loadGlove(), weights), cacheDir)
}
