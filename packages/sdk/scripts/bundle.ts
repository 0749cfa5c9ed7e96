import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const src = join(import.meta.dirname, '..', 'src', 'index.ts')

/** What an app bundle imports from the SDK (`sdk`: a path or package name), as entry source. */
export const ENTRIES = {
  'search only': (sdk: string) => `import { search, fetchInvoke } from ${JSON.stringify(sdk)}
export const find = (q) => search({ invoke: fetchInvoke({ url: location.origin, key: 'k' }) }, q, { collection: 'docs' })`,
  'createVectorClient (search + from + writes)': (sdk: string) => `import { createVectorClient } from ${JSON.stringify(sdk)}
export const client = createVectorClient({ url: location.origin, key: 'k' })`,
} as const

/** Where a bundle takes the SDK from: the workspace's source (default), or an app's installed package. */
export interface BundleSource {
  /** Module specifier of the SDK. */
  sdk: string
  /** Directory the specifier resolves from. */
  resolveDir: string
}
const WORKSPACE: BundleSource = { sdk: src, resolveDir: join(import.meta.dirname, '..') }

export interface BundleFigures {
  name: string
  minifiedBytes: number
  gzipBytes: number
  code: string
}

/** Bundles one entry for browsers (ESM, minified, tree-shaken) and measures it. */
export async function bundle(name: keyof typeof ENTRIES, from: BundleSource = WORKSPACE): Promise<BundleFigures> {
  const out = await build({
    stdin: { contents: ENTRIES[name](from.sdk), resolveDir: from.resolveDir, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  const code = out.outputFiles[0]!.text
  return { name, minifiedBytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).byteLength, code }
}
