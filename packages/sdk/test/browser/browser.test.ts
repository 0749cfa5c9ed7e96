import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { type ProjectEndpoints, stackEndpoints, stackOptions } from '@vecpods/stack'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVectorClient } from '../../src/index.ts'
import type { PageConfig } from './page.ts'

// The SDK bundled for the browser (esbuild, platform "browser") and run in Debian's Chromium
// against the real stack: browser compatibility proven, not assumed.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
const run = `browser-${Date.now().toString(36)}`
let browser: Browser
let server: Server
let pageUrl: string
let primary: ProjectEndpoints

beforeAll(async () => {
  const eps = await stackEndpoints(stackOptions(process.env, () => {}))
  primary = eps.find((e) => e.project === 'primary')!
  const service = createVectorClient({ url: primary.apiUrl, key: primary.keys.serviceRoleKey })
  const up = await service.upsert('docs', [
    { id: `${run}-1`, text: 'Debounce the search box so each keystroke does not send a request', metadata: { run, url: '/debounce' } },
    { id: `${run}-2`, text: 'Ship the migration files with the application', metadata: { run, url: '/migrations' } },
  ])
  expect(up.error).toBeNull()

  const bundle = await build({
    entryPoints: [join(import.meta.dirname, 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  const script = bundle.outputFiles[0]!.text
  server = createServer((req, res) => {
    if (req.url === '/page.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><meta charset="utf-8"><title>sdk</title><script type="module" src="/page.js"></script>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  pageUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
})

afterAll(async () => {
  await browser?.close()
  server?.close()
  await createVectorClient({ url: primary.apiUrl, key: primary.keys.serviceRoleKey }).delete('docs', { filters: { run: { $eq: run } } })
})

describe('@vecpods/sdk in Chromium', () => {
  it('searches through the edge function and reads the rows through the primary’s PostgREST, with no console errors', async () => {
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
    page.on('pageerror', (e) => problems.push(e.message))
    await page.goto(pageUrl)
    await page.waitForFunction(() => 'vecpodsTest' in window)
    const cfg: PageConfig = { primaryUrl: primary.apiUrl, anonKey: primary.keys.anonKey, run, query: 'debounce keystrokes in a search box' }
    const result = await page.evaluate((c) => (window as unknown as { vecpodsTest: (c: PageConfig) => Promise<Record<string, unknown>> }).vecpodsTest(c), cfg)
    expect(result.userAgent).toMatch(/Chrome\//)
    expect(result.searchError).toBeNull()
    expect((result.ids as string[])[0]).toBe(`${run}-1`)
    expect(result.rowsError).toBeNull()
    expect(result.rows).toEqual([
      { id: `${run}-1`, url: '/debounce' },
      { id: `${run}-2`, url: '/migrations' },
    ])
    expect(result.meta).toMatchObject({ pods: ['pod_a'], offline_model: 'static' })
    // The bad filter answers 400; Chromium logs the failed request itself, nothing else is logged.
    expect(result).toMatchObject({ badCode: 'invalid_filter', badIsVecpodsError: true })
    expect(problems.filter((p) => !p.includes('400 (Bad Request)'))).toEqual([])
    await page.close()
  })
})
