import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const src = join(import.meta.dirname, '..', 'src', 'index.ts')

/** What an app bundle imports from the SDK, as entry source. */
export const ENTRIES = {
  'search only': `import { search, fetchInvoke } from ${JSON.stringify(src)}
export const find = (q) => search({ invoke: fetchInvoke({ url: location.origin, key: 'k' }) }, q, { collection: 'docs' })`,
  'createVectorClient (search + from + writes)': `import { createVectorClient } from ${JSON.stringify(src)}
export const client = createVectorClient({ url: location.origin, key: 'k' })`,
} as const

export interface BundleFigures {
  name: string
  minifiedBytes: number
  gzipBytes: number
  code: string
}

/** Bundles one entry for browsers (ESM, minified, tree-shaken) and measures it. */
export async function bundle(name: keyof typeof ENTRIES): Promise<BundleFigures> {
  const out = await build({
    stdin: { contents: ENTRIES[name], resolveDir: join(import.meta.dirname, '..'), loader: 'ts' },
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
