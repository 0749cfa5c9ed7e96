import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bundle } from '../scripts/bundle.ts'

/** The sizes the README states, in order: search only (minified, gzip), then the whole client. */
function readmeSizes(): number[] {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8')
  return [...readme.matchAll(/([\d.]+) kB minified \/ ([\d.]+) kB gzip/g)].flatMap((m) => [Number(m[1]), Number(m[2])])
}
const kB = (bytes: number) => bytes / 1024

describe('browser bundles', () => {
  it('build for browsers with no Node built-ins, and `search` alone leaves postgrest-js out', async () => {
    const searchOnly = await bundle('search only')
    const client = await bundle('createVectorClient (search + from + writes)')
    for (const b of [searchOnly, client]) expect(b.code).not.toMatch(/from\s*"node:|require\(\s*"(fs|path|http|crypto)"/)
    // postgrest-js's single-row media type: in the client bundle, tree-shaken out of search-only.
    expect(client.code).toContain('vnd.pgrst.object+json')
    expect(searchOnly.code).not.toContain('vnd.pgrst.object+json')
    expect(searchOnly.gzipBytes).toBeLessThan(client.gzipBytes)
  })

  it('match the sizes the README states (within 0.2 kB)', async () => {
    const stated = readmeSizes()
    expect(stated).toHaveLength(4)
    const searchOnly = await bundle('search only')
    const client = await bundle('createVectorClient (search + from + writes)')
    const measured = [searchOnly.minifiedBytes, searchOnly.gzipBytes, client.minifiedBytes, client.gzipBytes].map(kB)
    for (const [i, m] of measured.entries()) {
      expect(Math.abs(m - stated[i]!), `figure ${i}: measured ${m.toFixed(2)} kB, README ${stated[i]} kB`).toBeLessThanOrEqual(0.2)
    }
  })
})
