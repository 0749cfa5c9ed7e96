// The vector-search function as the local stack serves it: the same app as index.ts, plus
// transformers.js for gte-small from files or the generated offline model (machines without
// Supabase's runtime have no built-in gte-small). Never deployed: index.ts is the entrypoint.
import { createApp } from '../../../packages/edge/src/app.ts'
import { warmUp } from '../../../packages/edge/src/config.ts'
import { loadLocalConfig } from '../../../packages/edge/src/local.ts'
import { parseRegistry } from '../../../packages/registry/src/index.ts'
import registryJson from '../../../vecpods.config.json' with { type: 'json' }

const config = loadLocalConfig(parseRegistry(registryJson), Deno.env.toObject())
warmUp(config)
const app = createApp({ ...config, basePath: '/vector-search' })

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 8000), hostname: '127.0.0.1' }, app.fetch)
