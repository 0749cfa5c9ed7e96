/** Turns text into vectors. Implementations load their model once and batch. */
export interface Embedder {
  /** The model id recorded with every collection this embedder fills, e.g. `Supabase/gte-small`. */
  readonly model: string
  readonly dims: number
  embed(texts: string[]): Promise<number[][]>
}
