/** Turns text into vectors. Implementations load their model once, on first use. */
export interface Embedder {
  /** The model id recorded with every collection this embedder fills, e.g. `Supabase/gte-small`. */
  readonly model: string
  readonly dims: number
  /**
   * `lexical`: the generated offline model, a weighted bag of words — it matches shared words,
   * not meaning. Shown to users wherever its results are.
   */
  readonly kind: 'semantic' | 'lexical'
  /** One normalised vector per text, in order. */
  embed(texts: string[]): Promise<number[][]>
}
