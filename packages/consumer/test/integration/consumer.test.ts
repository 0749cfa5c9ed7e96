import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCorpus, syncCorpus } from '@vecpods/corpus'
import { repoRoot } from '@vecpods/registry/node'
import { createVectorClient } from '@vecpods/sdk'
import { bundle } from '@vecpods/sdk/testing/bundle'
import { denoBinary, stackEnvironment, stackOptions } from '@vecpods/stack'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, exec, freePort, nodeBinaries, packPublished, waitFor } from '../../src/index.ts'

// The packages as a user gets them: packed as `pnpm publish` packs them, installed with npm into
// fresh apps in the system's temporary directory (outside the workspace, so nothing resolves
// through it), and used against the running stack.
const opts = stackOptions(process.env, () => {})
const work = mkdtempSync(join(tmpdir(), 'vecpods-consumer-'))
const bin = (app: string, tool: string) => join(work, app, 'node_modules', '.bin', tool)
let env: NodeJS.ProcessEnv
let tarballs: Map<string, string>

/** Hit ids as `[a-z_]+:<id>`: what a search of the demo's docs returns. */
const HIT = /^docs:[\w-]+$/

beforeAll(async () => {
  env = { ...process.env, ...(await stackEnvironment(opts)), NEXT_TELEMETRY_DISABLED: '1' }
  // The apps search the demo corpus: seed it when this suite runs first (a no-op once it is there).
  await syncCorpus(createVectorClient({ url: env.SUPABASE_URL!, key: env.SUPABASE_SERVICE_ROLE_KEY!, timeoutMs: 120_000 }), buildCorpus(repoRoot))
  tarballs = packPublished(mkdtempSync(join(work, 'packs-')))
  const sdk = [tarballs.get('protocol')!, tarballs.get('sdk')!]
  // The three apps install side by side (npm's cache makes repeats quick).
  await Promise.all([
    createApp(join(work, 'node'), { template: 'node', dependencies: { typescript: '~5.9.3' } }, sdk, env),
    createApp(join(work, 'vite'), { template: 'vite', dependencies: { vite: '^8.4.0' } }, sdk, env),
    createApp(
      join(work, 'next'),
      {
        template: 'next',
        dependencies: {
          next: '^16.4.6',
          react: '^19.2.0',
          'react-dom': '^19.2.0',
          typescript: '~5.9.3',
          '@types/react': '^19.2.0',
          '@types/react-dom': '^19.2.0',
          '@types/node': '^22.19.0',
        },
      },
      sdk,
      env,
    ),
  ])
}, 300_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the packed tarballs', () => {
  it('hold the build and nothing of the workspace: dist, README, LICENSE, package.json', async () => {
    for (const [dir, tarball] of tarballs) {
      const files = (await exec('tar', ['-tzf', tarball], { cwd: work })).trim().split('\n').sort()
      expect(files, dir).toEqual([
        'package/LICENSE',
        'package/README.md',
        'package/dist/index.cjs',
        'package/dist/index.d.cts',
        'package/dist/index.d.ts',
        'package/dist/index.js',
        'package/package.json',
      ])
      const manifest = JSON.parse(await exec('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: work })) as Record<string, unknown>
      expect(JSON.stringify(manifest), dir).not.toMatch(/workspace:|\.\/src\//)
      expect(manifest.private, dir).toBeUndefined()
    }
  })

  it('pass publint (strict) and Are the Types Wrong (node10, node16 from CJS and ESM, bundler)', async () => {
    for (const [dir, tarball] of tarballs) {
      // --strict: warnings fail it too; "All good!" only when there is not even a suggestion.
      const lint = await exec('pnpm', ['exec', 'publint', 'run', tarball, '--strict'], { cwd: repoRoot })
      expect(lint, dir).toContain('All good!')
      // attw exits non-zero on any problem; its JSON names each one.
      const attw = JSON.parse(await exec('pnpm', ['exec', 'attw', tarball, '--format', 'json'], { cwd: repoRoot })) as { analysis: { problems: unknown[] } }
      expect(attw.analysis.problems, dir).toEqual([])
    }
  })
})

describe('a Node app (npm install of the tarballs)', () => {
  it('searches the stack from an ES module and from CommonJS require(), on Node 22 and 24', async () => {
    const nodes = nodeBinaries()
    expect([...nodes.keys()], 'scripts/setup-node.sh installs both lines').toEqual([22, 24])
    for (const [major, node] of nodes) {
      const esm = JSON.parse(await exec(node, ['search.mjs'], { cwd: join(work, 'node'), env })) as { node: string; hits: string[]; missing: string }
      expect(esm.node.startsWith(`v${major}.`)).toBe(true)
      expect(esm.hits).toHaveLength(3)
      for (const id of esm.hits) expect(id).toMatch(HIT)
      expect(esm.missing).toBe('unknown_collection')
      const cjs = JSON.parse(await exec(node, ['search.cjs'], { cwd: join(work, 'node'), env })) as { node: string; hits: string[]; notFound: number }
      expect(cjs.node.startsWith(`v${major}.`)).toBe(true)
      expect(cjs.hits).toEqual(esm.hits)
      expect(cjs.notFound).toBe(404)
    }
  })

  it('type-checks with tsc --strict, skipLibCheck off, under moduleResolution nodenext and bundler', async () => {
    for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
      await expect(exec(bin('node', 'tsc'), ['-p', config], { cwd: join(work, 'node') }), config).resolves.toBe('')
    }
  })

  it('searches from Deno through the npm: specifier', async () => {
    const out = await exec(denoBinary(opts), ['run', '--allow-net', '--allow-env', '--allow-read', 'deno-search.ts'], {
      cwd: join(work, 'node'),
      env: { ...env, DENO_DIR: join(work, 'deno-cache'), NO_COLOR: '1' },
    })
    const result = JSON.parse(out) as { deno: string; hits: string[] }
    expect(result.hits).toHaveLength(3)
    for (const id of result.hits) expect(id).toMatch(HIT)
  })

  it('bundles for browsers at the sizes the SDK README states (within 0.2 kB)', async () => {
    const readme = readFileSync(join(work, 'node', 'node_modules', '@vecpods', 'sdk', 'README.md'), 'utf8')
    const stated = [...readme.matchAll(/([\d.]+) kB minified \/ ([\d.]+) kB gzip/g)].flatMap((m) => [Number(m[1]), Number(m[2])])
    const from = { sdk: '@vecpods/sdk', resolveDir: join(work, 'node') }
    const figures = [await bundle('search only', from), await bundle('createVectorClient (search + from + writes)', from)]
    const measured = figures.flatMap((b) => [b.minifiedBytes / 1024, b.gzipBytes / 1024])
    expect(stated).toHaveLength(4)
    for (const [i, m] of measured.entries()) expect(Math.abs(m - stated[i]!), `figure ${i}: ${m.toFixed(2)} kB against ${stated[i]}`).toBeLessThanOrEqual(0.2)
  })
})

describe('a Vite app', () => {
  let preview: ChildProcess | undefined
  afterAll(() => preview?.kill())

  it('builds, and its page searches the stack in Chromium', async () => {
    const dir = join(work, 'vite')
    const viteEnv = { ...env, VITE_SUPABASE_URL: env.SUPABASE_URL, VITE_SUPABASE_ANON_KEY: env.SUPABASE_ANON_KEY }
    expect(await exec(bin('vite', 'vite'), ['build', '--logLevel', 'warn'], { cwd: dir, env: viteEnv })).not.toMatch(/error/i)
    const port = await freePort()
    preview = spawn(bin('vite', 'vite'), ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
      cwd: dir,
      env: viteEnv,
      stdio: 'ignore',
    })
    await waitFor(`http://127.0.0.1:${port}/`)
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--headless=new'] })
    try {
      const page = await browser.newPage()
      await page.goto(`http://127.0.0.1:${port}/`)
      await page.waitForFunction(() => document.querySelector('#hits')?.textContent !== 'searching…', undefined, { timeout: 20_000 })
      const ids = (await page.locator('#hits').textContent())!.split(' ')
      expect(ids).toHaveLength(3)
      for (const id of ids) expect(id).toMatch(HIT)
    } finally {
      await browser.close()
    }
  })
})

describe('a Next.js app', () => {
  it('builds for production, prerendering a server component that searches the stack, with a client component importing the SDK', async () => {
    const dir = join(work, 'next')
    await exec(bin('next', 'next'), ['build'], { cwd: dir, env })
    const html = readFileSync(join(dir, '.next', 'server', 'app', 'index.html'), 'utf8')
    const ids = [...html.matchAll(/data-hit="([^"]+)"/g)].map((m) => m[1]!)
    expect(ids).toHaveLength(3)
    for (const id of ids) expect(id).toMatch(HIT)
  })
})
