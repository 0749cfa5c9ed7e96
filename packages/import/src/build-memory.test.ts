import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseRegistry } from '@vecpods/registry'
import { repoRoot } from '@vecpods/registry/node'
import { describe, expect, it } from 'vitest'
import { buildProgress, hnswBytesPerRow } from './import.ts'

const docs = parseRegistry(JSON.parse(readFileSync(join(repoRoot, 'vecpods.config.json'), 'utf8'))).collections.docs!

describe('hnswBytesPerRow', () => {
  it('is near what the built 384-dim indexes measured per row at 1M rows (vector 1,953 MB, halfvec 1,116 MB)', () => {
    expect(hnswBytesPerRow(docs) / 1024).toBeCloseTo(1953 / 1000, 0)
    expect(hnswBytesPerRow({ ...docs, storage: 'halfvec' }) / 1024).toBeCloseTo(1116 / 1000, 0)
    expect(hnswBytesPerRow({ ...docs, quantization: 'binary' })).toBeLessThan(600)
  })
})

describe('buildProgress', () => {
  const at = (tuples_done: number, tuples_total: number, blocks_done: number, blocks_total: number) => ({
    tuples_done: String(tuples_done),
    tuples_total: String(tuples_total),
    blocks_done: String(blocks_done),
    blocks_total: String(blocks_total),
  })
  it("counts pgvector's graph tuples against the table's rows, which pgvector leaves as no total", () => {
    // As a parallel HNSW build of 1M rows reported it: "building index: loading tuples".
    expect(buildProgress(at(257_990, 0, 51_453, 200_000), 1_000_000)).toEqual([257_990, 1_000_000])
  })
  it('keeps a total PostgreSQL gives, and counts blocks in phases without tuples', () => {
    expect(buildProgress(at(10, 40, 0, 0), 1_000)).toEqual([10, 40])
    expect(buildProgress(at(0, 0, 51_453, 200_000), 1_000_000)).toEqual([51_453, 200_000])
  })
})
