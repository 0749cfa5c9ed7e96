import { LRUCache } from 'lru-cache'
import type { Embedder } from './types.ts'

/**
 * Remembers the vectors of recent query texts (LRU), so a search typed again — or the same
 * search from many users — skips the model. Concurrent misses for one text share one call.
 */
export function queryCache(embedder: Embedder, max = 1000): (text: string) => Promise<number[]> {
  const cache = new LRUCache<string, number[]>({
    max,
    fetchMethod: async (text) => (await embedder.embed([text]))[0],
  })
  return async (text) => {
    const vector = await cache.fetch(text)
    if (!vector) throw new Error('the embedder returned no vector')
    return vector
  }
}
