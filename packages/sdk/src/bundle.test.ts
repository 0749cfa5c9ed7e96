import { describe, expect, it } from 'vitest'
import { bundle } from '../scripts/bundle.ts'

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
})
