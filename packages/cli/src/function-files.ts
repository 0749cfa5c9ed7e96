import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { GENERATED_MARK } from '@vecpods/codegen'

export const FUNCTION_DIR = 'supabase/functions/vector-search'

/** Where the build put the function's bundle and its deno.json (beside the CLI, under `function/`). */
function builtFunction(): URL {
  // dist/cli.mjs → dist/function/; src/*.ts (run from the workspace) → dist/function/ too.
  const here = new URL('.', import.meta.url)
  return new URL(here.pathname.endsWith('/src/') ? '../dist/function/' : './function/', here)
}

/**
 * The files `init` writes into `supabase/functions/vector-search/`: the entry (index.ts), the
 * vecpods code it runs (one ES module, vecpods-edge.js) and the deno.json that maps that module's
 * third-party imports to npm. The two code files carry the generated mark; deno.json (JSON has no
 * comments) counts as vecpods' while it maps exactly the imports vecpods writes.
 */
export function functionFiles(): Array<{ path: string; content: string }> {
  const dir = builtFunction()
  const bundle = new URL('vecpods-edge.js', dir)
  if (!existsSync(fileURLToPath(bundle))) {
    throw new Error(`the vector-search function's bundle is missing (${fileURLToPath(bundle)}): build the CLI with \`pnpm --filter vecpods build\``)
  }
  const imports = JSON.parse(readFileSync(fileURLToPath(new URL('imports.json', dir)), 'utf8')) as Record<string, string>
  return [
    { path: `${FUNCTION_DIR}/index.ts`, content: entrySource() },
    {
      path: `${FUNCTION_DIR}/vecpods-edge.js`,
      content: `// ${GENERATED_MARK}: the vector-search function's code.\n${readFileSync(fileURLToPath(bundle), 'utf8')}`,
    },
    { path: `${FUNCTION_DIR}/deno.json`, content: `${JSON.stringify({ imports }, null, 2)}\n` },
  ]
}

function entrySource(): string {
  return `// ${GENERATED_MARK}: the vector-search Supabase Edge Function.
// Serves vecpods' search and write API under /vector-search, embedding with the edge runtime's
// built-in gte-small (Supabase.ai). \`npx vecpods init\` refreshes this folder; edit the registry instead.
import registryJson from '../../../vecpods.config.json' with { type: 'json' }
import { createApp, loadConfig, parseRegistry, warmUp } from './vecpods-edge.js'

const config = loadConfig(parseRegistry(registryJson), Deno.env.toObject())
warmUp(config)
const app = createApp({ ...config, basePath: '/vector-search' })

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 8000) }, app.fetch)
`
}

/** Whether a file at one of the function's paths is vecpods' to rewrite (else it is the user's). */
export function isOurs(path: string, existing: string, wanted: string): boolean {
  if (!path.endsWith('deno.json')) return existing.slice(0, 200).includes(GENERATED_MARK)
  try {
    const json = JSON.parse(existing) as Record<string, unknown>
    const keys = (value: unknown) =>
      Object.keys((value ?? {}) as object)
        .sort()
        .join()
    return keys(json) === 'imports' && keys(json.imports) === keys((JSON.parse(wanted) as { imports: unknown }).imports)
  } catch {
    return false
  }
}
