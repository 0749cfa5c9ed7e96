// The vector-search function as the local stack serves it: the same app as index.ts, plus
// transformers.js for gte-small from files or the generated offline model (machines without
// Supabase's runtime have no built-in gte-small). Never deployed: index.ts is the entrypoint.
import { createApp, warmUp } from '@vecpods/edge/function'
import { loadLocalConfig } from '@vecpods/edge/local'
import { parseRegistry } from '@vecpods/registry'
import registryJson from '../../../vecpods.config.json' with { type: 'json' }

const config = loadLocalConfig(parseRegistry(registryJson), Deno.env.toObject())
warmUp(config)
const app = createApp({ ...config, basePath: '/vector-search' })

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 8000), hostname: '127.0.0.1' }, app.fetch)
