// The function as Supabase deploys it (`supabase/functions/vector-search/index.ts`) must fit the
// hosted limit of 20 MB and must not pull in the local-only embedders (transformers.js,
// onnxruntime-node's native code, sharp), which the hosted runtime could not load anyway.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { denoBinary, stackOptions } from '@vecpods/stack'
import { describe, expect, it } from 'vitest'

const opts = stackOptions(process.env, () => {})
const fnDir = join(opts.root, 'supabase', 'functions', 'vector-search')
const LIMIT_BYTES = 20 * 1024 * 1024
const LOCAL_ONLY = /^(@huggingface\/|onnxruntime|sharp|@img\/)/

interface DenoInfo {
  modules: Array<{ kind?: string; specifier: string; size?: number; npmPackage?: string }>
  npmPackages: Record<string, { name: string; dependencies: string[]; localPath?: string }>
}

function deno(args: string[]): string {
  const result = spawnSync(denoBinary(opts), [...args], {
    cwd: opts.root,
    env: { ...process.env, DENO_DIR: join(opts.stateDir, 'deno'), NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (result.status !== 0) throw new Error(`deno ${args.join(' ')}: ${result.stderr}`)
  return result.stdout
}

/** Bytes under a directory; 0 for an optional package not installed here (another platform's build). */
const dirSize = (dir: string): number =>
  !existsSync(dir)
    ? 0
    : readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => sum + (e.isDirectory() ? dirSize(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0)

/** The entry's import graph: its own files, and the npm packages it reaches with their dependencies, sized on disk. */
function graph(entry: string) {
  const info = JSON.parse(deno(['info', '--json', '--config', join(fnDir, 'deno.json'), join(fnDir, entry)])) as DenoInfo
  const local = info.modules.filter((m) => m.specifier.startsWith('file:')).reduce((sum, m) => sum + (m.size ?? 0), 0)
  const ids = Object.keys(info.npmPackages)
  const roots = info.modules.flatMap((m) => {
    const match = /^npm:\/?((?:@[^/]+\/)?[^@/]+@[^/]+)/.exec(m.specifier)
    return match ? [ids.find((id) => id === match[1]) ?? match[1]!] : []
  })
  const used = new Set<string>()
  const visit = (id: string) => {
    if (used.has(id) || !info.npmPackages[id]) return
    used.add(id)
    for (const dep of info.npmPackages[id]!.dependencies) visit(dep)
  }
  for (const id of roots) visit(id)
  const packages = [...used].map((id) => ({ id, name: info.npmPackages[id]!.name, bytes: dirSize(info.npmPackages[id]!.localPath!) }))
  return { local, packages, bytes: local + packages.reduce((sum, p) => sum + p.bytes, 0) }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`

describe('the deployed function', () => {
  it('imports no local-only embedder and stays under 20 MB on disk and bundled', () => {
    const deployed = graph('index.ts')
    expect(deployed.packages.filter((p) => LOCAL_ONLY.test(p.name))).toEqual([])
    expect(deployed.bytes).toBeLessThan(LIMIT_BYTES)
    const out = join(mkdtempSync(join(tmpdir(), 'vecpods-bundle-')), 'index.js')
    deno(['bundle', '--quiet', '--config', join(fnDir, 'deno.json'), '--platform', 'deno', '-o', out, join(fnDir, 'index.ts')])
    const bundled = statSync(out).size
    expect(bundled).toBeLessThan(LIMIT_BYTES)

    // The local stack's entry, for contrast: it carries transformers.js and native code.
    const local = graph('local.ts')
    expect(local.packages.some((p) => LOCAL_ONLY.test(p.name))).toBe(true)
    console.log(
      `deployed index.ts: ${deployed.packages.length} npm packages, ${mb(deployed.bytes)} on disk, ${mb(bundled)} bundled; ` +
        `local.ts: ${local.packages.length} npm packages, ${mb(local.bytes)} on disk`,
    )
  })
})
