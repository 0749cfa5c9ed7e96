import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseRegistry } from '@vecpods/registry'
import { repoRoot } from '@vecpods/registry/node'
import { describe, expect, it } from 'vitest'
import { AUTO_TUNE_ROWS, floorOption, tuneAfterImport } from './tune.ts'

const registry = parseRegistry(JSON.parse(readFileSync(join(repoRoot, 'vecpods.config.json'), 'utf8')))
const docs = registry.collections.docs!

describe('tuneAfterImport', () => {
  it('tunes after a large load by default, and says why it does or does not', () => {
    expect(tuneAfterImport('auto', docs, AUTO_TUNE_ROWS)).toEqual({ tune: true, why: expect.stringMatching(/^tune: 10,000 rows written/) })
    expect(tuneAfterImport('auto', docs, AUTO_TUNE_ROWS - 1)).toEqual({ tune: false, why: expect.stringMatching(/9999 rows written, under 10,000/) })
    expect(tuneAfterImport('always', docs, 5).tune).toBe(true)
    expect(tuneAfterImport('never', docs, 1_000_000)).toEqual({ tune: false, why: 'tune: skipped (--tune never)' })
  })

  it('never tunes an index without ef_search', () => {
    const flat = { ...docs, index: { ...docs.index, method: 'ivfflat' } } as typeof docs
    expect(tuneAfterImport('always', flat, 1_000_000)).toEqual({ tune: false, why: 'tune: skipped (the index is ivfflat, not HNSW)' })
  })
})

describe('floorOption', () => {
  it('takes an ef_search from 1 to 1000, nothing when the flag is absent, and refuses anything else', () => {
    expect(floorOption(undefined)).toEqual({})
    expect(floorOption('10')).toEqual({ floor: 10 })
    for (const bad of ['0', '1001', '12.5', 'ten', '']) expect(() => floorOption(bad)).toThrow(/--floor takes an ef_search from 1 to 1000/)
  })
})
