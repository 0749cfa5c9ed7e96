import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { buildCorpus, syncCorpus } from '@vecpods/corpus'
import { repoRoot } from '@vecpods/registry/node'
import { createVectorClient } from '@vecpods/sdk'
import { stackEnvironment, stackOptions } from '@vecpods/stack'
import { type Browser, chromium, type Page } from 'playwright-core'
import { build, type PreviewServer, preview } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The demo as a user meets it: the real corpus seeded through the edge function, the app built
// with Vite and opened in Debian's Chromium against the real stack.
const root = join(repoRoot, 'examples', 'web')
const artifacts = join(repoRoot, 'test-results')
let server: PreviewServer
let browser: Browser
let page: Page
const problems: string[] = []

beforeAll(async () => {
  const env = await stackEnvironment(stackOptions(process.env, () => {}))
  const service = createVectorClient({ url: env.SUPABASE_URL!, key: env.SUPABASE_SERVICE_ROLE_KEY!, timeoutMs: 120_000 })
  const corpus = buildCorpus(repoRoot)
  expect(corpus.length).toBeGreaterThanOrEqual(5000)
  await syncCorpus(service, corpus)

  process.env.VITE_SUPABASE_URL = env.VITE_SUPABASE_URL
  process.env.VITE_SUPABASE_ANON_KEY = env.VITE_SUPABASE_ANON_KEY
  await build({ root, logLevel: 'silent' })
  server = await preview({ root, logLevel: 'silent', preview: { host: '127.0.0.1', port: 4273, strictPort: false } })
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
  page.on('pageerror', (e) => problems.push(e.message))
  await page.goto(server.resolvedUrls!.local[0]!)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** Waits out the search box's debounce, then for the answer to be on screen. */
async function settled(): Promise<void> {
  await page.waitForTimeout(300)
  await page.locator('.results:not(.stale), .empty, .error').first().waitFor()
}
const titles = () => page.locator('.hit .title').allTextContents()
const packages = () => page.locator('.hit .package').allTextContents()

describe('examples/web in Chromium', () => {
  it('re-running the seed changes nothing', async () => {
    const env = await stackEnvironment(stackOptions(process.env, () => {}))
    const service = createVectorClient({ url: env.SUPABASE_URL!, key: env.SUPABASE_SERVICE_ROLE_KEY! })
    const reports = await syncCorpus(service, buildCorpus(repoRoot))
    expect(reports.map((r) => [r.collection, r.added + r.changed + r.removed])).toEqual([
      ['docs', 0],
      ['posts', 0],
      ['api', 0],
    ])
  })

  it('shows the collections, their pods and the offline-model note', async () => {
    await expect
      .poll(() => page.locator('.catalog').textContent())
      .toMatch(/Docs [\d,]+ on pod_a · Release notes [\d,]+ on pod_b · API reference [\d,]+ on pod_c/)
    expect(await page.locator('.note').textContent()).toContain('Offline static word-vector model in use')
  })

  it('searches as you type across all pods, each result with score, collection, pod and snippet', async () => {
    await page.locator('#q').fill('parse command line arguments and options')
    await page.locator('.hit').first().waitFor()
    const first = page.locator('.hit').first()
    expect(await first.locator('.score').textContent()).toMatch(/^-?\d\.\d{3}$/)
    expect(await first.locator('.badge.pod').textContent()).toMatch(/^pod_[abc]$/)
    expect((await first.locator('.snippet').textContent())!.length).toBeGreaterThan(20)
    expect(await page.locator('.status').textContent()).toMatch(/\d+ results · vector · edge [\d.]+ ms · round trip \d+ ms · pods pod_a, pod_b, pod_c/)
    expect(new Set(await packages()).size).toBeGreaterThan(1)
  })

  it('switches between meaning, words and both: a made-up word finds nothing by full text, neighbours by vector', async () => {
    await page.locator('#q').fill('qwzxv plonkety')
    await settled()
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/\d+ results · vector ·/)
    expect(await page.locator('.hit').count()).toBeGreaterThan(0)
    await page.locator('#mode').selectOption('text')
    await page.locator('.empty').waitFor()
    expect(await page.locator('.empty').textContent()).toContain('No results')
    await page.locator('#q').fill('zstd decompression')
    await settled()
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/\d+ results · text ·/)
    expect(await page.locator('.hit').count()).toBeGreaterThan(0)
    await page.locator('#mode').selectOption('hybrid')
    await settled()
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/\d+ results · hybrid ·/)
    expect(await page.locator('.hit .score').first().getAttribute('title')).toBe('fused score (vector and BM25 arms)')
    // Fused scores (the default convex fusion) are 0.4 · vector + 0.6 · text, each min-max
    // normalised over its arm's candidates: above 0, at most 1.
    const score = Number(await page.locator('.hit .score').first().textContent())
    expect(score).toBeGreaterThan(0)
    expect(score).toBeLessThanOrEqual(1)
    await page.locator('#mode').selectOption('vector')
    await page.locator('#q').fill('parse command line arguments and options')
    await settled()
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/\d+ results · vector ·/)
  })

  it('a filter narrows the results to one package', async () => {
    const before = await packages()
    const target = before.find((p) => p && p !== before[0]) ?? before[0]!
    await page.locator('#package').fill(target)
    await expect.poll(async () => new Set(await packages())).toEqual(new Set([target]))
    expect((await packages()).length).toBeGreaterThan(0)
  })

  it('opening a result reads its row through the primary and shows its metadata; keyboard works', async () => {
    await page.locator('#package').fill('')
    await page.locator('#collection').selectOption('docs')
    await settled()
    await expect
      .poll(async () => (await page.locator('.badge.docs').count()) === (await page.locator('.hit').count()) && (await page.locator('.hit').count()) > 0)
      .toBe(true)
    const title = (await titles())[0]!
    await page.locator('#q').press('Enter')
    await page.locator('.detail .fields').waitFor()
    expect(await page.locator('.detail h2').textContent()).toBe(title)
    const fields = await page.locator('.detail dt').allTextContents()
    expect(fields).toEqual(expect.arrayContaining(['id', 'url', 'package', 'version', 'section']))
    expect(await page.locator('.detail .source').textContent()).toContain('through the primary → pod_a')
    mkdirSync(artifacts, { recursive: true })
    await page.screenshot({ path: join(artifacts, 'web-demo.png'), fullPage: true })
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('.detail').count()).toBe(0)
  })

  it('shows an empty state, and logged no console errors', async () => {
    await page.locator('#q').fill('zzzqqxx')
    await page.locator('#package').fill('no-such-package')
    await page.locator('.empty').waitFor()
    expect(await page.locator('.empty').textContent()).toContain('No results with these filters')
    expect(problems).toEqual([])
  })
})
