import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/**
 * Writes `line(item)` for each item to `path` as the items are produced, pausing the producer while the
 * disk falls behind (stream backpressure), so a file of millions of rows never sits in memory.
 */
export async function writeLines<T>(path: string, items: Iterable<T> | AsyncIterable<T>, line: (item: T) => string): Promise<void> {
  async function* terminated() {
    for await (const item of items) yield `${line(item)}\n`
  }
  await pipeline(Readable.from(terminated()), createWriteStream(path))
}
