// The vector-search Supabase Edge Function: serves the vecpods Hono app under /vector-search.

import { createApp, loadConfig, warmUp } from '../../../packages/edge/src/index.ts'
import { parseRegistry } from '../../../packages/registry/src/index.ts'
import registryJson from '../../../vecpods.config.json' with { type: 'json' }

const config = loadConfig(parseRegistry(registryJson), Deno.env.toObject())
warmUp(config)
const app = createApp({ ...config, basePath: '/vector-search' })

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 8000), hostname: '127.0.0.1' }, app.fetch)
