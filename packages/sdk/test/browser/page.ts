// Bundled for Chromium by browser.test.ts: the SDK as a browser app uses it.
import { createClient } from '@supabase/supabase-js'
import { createVectorClient, isVecpodsError } from '../../src/index.ts'

export interface PageConfig {
  primaryUrl: string
  anonKey: string
  run: string
  query: string
}

async function runInPage(cfg: PageConfig) {
  // Reads go through the primary, where docs is a postgres_fdw foreign table onto pod A.
  const vecpods = createVectorClient({ supabase: createClient(cfg.primaryUrl, cfg.anonKey) })
  const found = await vecpods.search(cfg.query, { collection: 'docs', limit: 3, filters: { run: { $eq: cfg.run } } })
  const ids = found.data?.map((h) => h.id) ?? []
  const rows = await vecpods.from('docs').select('id, url').in('id', ids).order('id')
  const bad = await vecpods.search(cfg.query, { collection: 'docs', filters: { url: { $regex: 'x' } as never } })
  return {
    ids,
    meta: found.meta,
    searchError: found.error?.code ?? null,
    rows: rows.data,
    rowsError: rows.error?.message ?? null,
    badCode: bad.error?.code ?? null,
    badIsVecpodsError: isVecpodsError(bad.error),
    userAgent: navigator.userAgent,
  }
}

;(window as unknown as { vecpodsTest: typeof runInPage }).vecpodsTest = runInPage
