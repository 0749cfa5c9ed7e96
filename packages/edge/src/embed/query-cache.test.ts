import { describe, expect, it } from 'vitest'
import { queryCache } from './query-cache.ts'
import type { Embedder } from './types.ts'

function countingEmbedder() {
  const calls: string[][] = []
  const embedder: Embedder = {
    model: 'test/model',
    dims: 2,
    kind: 'semantic',
    embed: async (texts) => {
      calls.push(texts)
      await new Promise((r) => setTimeout(r, 5))
      return texts.map((t) => [t.length, 1])
    },
  }
  return { embedder, calls }
}

describe('queryCache', () => {
  it('embeds a repeated query once, and concurrent misses for one text share one call', async () => {
    const { embedder, calls } = countingEmbedder()
    const embed = queryCache(embedder)
    expect(await Promise.all([embed('hnsw'), embed('hnsw'), embed('ivfflat')])).toEqual([
      [4, 1],
      [4, 1],
      [7, 1],
    ])
    expect(await embed('hnsw')).toEqual([4, 1])
    expect(calls).toEqual([['hnsw'], ['ivfflat']])
  })

  it('forgets the least recently used text past its size', async () => {
    const { embedder, calls } = countingEmbedder()
    const embed = queryCache(embedder, 2)
    for (const text of ['a', 'b', 'a', 'c', 'a', 'b']) await embed(text)
    // 'b' was evicted by 'c' ('a' was used more recently), so it is embedded again.
    expect(calls.flat()).toEqual(['a', 'b', 'c', 'b'])
  })
})
