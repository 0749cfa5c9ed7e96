// pnpm --filter @vecpods/sdk size: minified + gzipped size of browser bundles that use the SDK.
import { bundle, ENTRIES } from './bundle.ts'

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`
console.log('bundle (esbuild, ESM, minified, browser)        minified   gzip')
for (const name of Object.keys(ENTRIES) as (keyof typeof ENTRIES)[]) {
  const b = await bundle(name)
  console.log(`${name.padEnd(46)} ${kb(b.minifiedBytes).padStart(9)} ${kb(b.gzipBytes).padStart(8)}`)
}
