import { readFileSync, writeFileSync } from 'node:fs'
import { defineConfig } from 'tsdown'

// Third-party packages the vector-search function imports, with the versions the edge package
// pins; the vendored function's deno.json maps each to npm.
const edge = JSON.parse(readFileSync(new URL('../edge/package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }
const functionImports = ['hono', 'hono-rate-limiter', 'jose', 'lru-cache', 'postgres', 'zod']

export default defineConfig([
  {
    // The `vecpods` command: vecpods' own packages inlined, third-party ones from dependencies.
    entry: { cli: 'src/cli.ts' },
    format: 'esm',
    platform: 'node',
    target: 'node22',
    outDir: 'dist',
    clean: true,
    deps: { alwaysBundle: [/^@vecpods\//] },
  },
  {
    // The function's code, one ES module for Deno.
    entry: { 'vecpods-edge': 'src/function-entry.ts' },
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    outDir: 'dist/function',
    outExtensions: () => ({ js: '.js' }),
    deps: { alwaysBundle: [/^@vecpods\//], neverBundle: functionImports.flatMap((name) => [name, new RegExp(`^${name}/`)]) },
    onSuccess() {
      const imports = Object.fromEntries(
        functionImports.flatMap((name) => [
          [name, `npm:${name}@${edge.dependencies[name]}`],
          [`${name}/`, `npm:/${name}@${edge.dependencies[name]}/`],
        ]),
      )
      writeFileSync(new URL('dist/function/imports.json', import.meta.url), `${JSON.stringify(imports, null, 2)}\n`)
    },
  },
])
