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
      for (let i = 0; i < order.length; i += batchSize) {
        const ids = order.slice(i, i + batchSize)
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
