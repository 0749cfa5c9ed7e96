/** The generated offline models (not gte-small). */
export type OfflineKind = 'static' | 'lexical'

/** Turns text into vectors. Implementations load their model once, on first use. */
export interface Embedder {
  /** The model id recorded with every collection this embedder fills, e.g. `Supabase/gte-small`. */
  readonly model: string
  readonly dims: number
  /**
   * The generated offline models, shown to users wherever their results are: `static`, static word
   * vectors (GloVe) plus a bag of words — related words meet, but no word order or context;
   * `lexical`, a weighted bag of words — it matches shared words, not meaning.
   */
  readonly kind: 'semantic' | OfflineKind
  /**
   * Text records one request may carry, when the runtime bounds a request's CPU: Supabase's Edge
   * Runtime gives 2 s, and gte-small costs 50–200 ms of CPU a text there.
   */
  readonly maxTextsPerRequest?: number
  /** One normalised vector per text, in order. */
  embed(texts: string[]): Promise<number[][]>
}

export interface TransformersOptions {
  /** A Hugging Face model id (`Supabase/gte-small`) or a directory name under `localModelPath`. */
  model: string
  dims: number
  kind: Embedder['kind']
  /** Read models from this directory (`<path>/<model>/…`) instead of the hub. */
  localModelPath?: string
  /** Texts per forward pass (default 32). */
  batchSize?: number
  /**
   * Characters per forward pass (default 16,000, about 4,000 tokens): long texts go fewer at a
   * time, so the activations of one pass ([texts, tokens, dims] floats, copied by pooling) stay
   * a few MB instead of growing with the batch.
   */
  maxBatchChars?: number
}

/** Makes a transformers.js embedder: given to `selectEmbedder` by entries that may load transformers.js. */
export type TransformersFactory = (options: TransformersOptions) => Embedder
