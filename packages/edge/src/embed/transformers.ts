import type { Embedder, TransformersOptions } from './types.ts'

export type { TransformersOptions }

type Extractor = (texts: string[], options: { pooling: 'mean'; normalize: true }) => Promise<{ tolist(): number[][] }>

/**
 * Embeds with transformers.js `feature-extraction` (mean pooling, normalised), as gte-small is
 * meant to be used. The library is imported and the model loaded once, on first use; texts are
 * embedded in batches, sorted by length so a batch pads to similar lengths.
 */
export function transformersEmbedder(options: TransformersOptions): Embedder {
  const batchSize = options.batchSize ?? 32
  const maxBatchChars = options.maxBatchChars ?? 16_000
  let extractor: Promise<Extractor> | undefined
  const load = async (): Promise<Extractor> => {
    const { env, pipeline } = await import('@huggingface/transformers')
    if (options.localModelPath) {
      env.localModelPath = options.localModelPath
      env.allowLocalModels = true
      env.allowRemoteModels = false
    }
    return (await pipeline('feature-extraction', options.model, { dtype: 'fp32' })) as unknown as Extractor
  }
  return {
    model: options.model,
    dims: options.dims,
    kind: options.kind,
    async embed(texts) {
      // A failed load is not cached: the next request tries again.
      extractor ??= load().catch((error: unknown) => {
        extractor = undefined
        throw error
      })
      const run = await extractor
      const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length)
      const out: number[][] = new Array(texts.length)
      for (const ids of batches(order, (id) => texts[id]!.length, batchSize, maxBatchChars)) {
        const vectors = (
          await run(
            ids.map((id) => texts[id]!),
            { pooling: 'mean', normalize: true },
          )
        ).tolist()
        for (const [j, id] of ids.entries()) out[id] = vectors[j]!
      }
      return out
    },
  }
}

/** Consecutive groups of `items`, each of at most `count` items and `budget` in total size (at least one item). */
export function batches<T>(items: T[], size: (item: T) => number, count: number, budget: number): T[][] {
  const out: T[][] = []
  let current: T[] = []
  let used = 0
  for (const item of items) {
    const n = size(item)
    if (current.length && (current.length >= count || used + n > budget)) {
      out.push(current)
      current = []
      used = 0
    }
    current.push(item)
    used += n
  }
  if (current.length) out.push(current)
  return out
}
