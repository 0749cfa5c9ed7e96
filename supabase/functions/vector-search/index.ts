// The vector-search Supabase Edge Function as deployed: the vecpods Hono app under /vector-search,
// embedding with the runtime's built-in gte-small (Supabase.ai). It imports no local-only embedder,
// so its bundle stays within Supabase's 20 MB (the local stack serves local.ts, which adds them).
// Package names resolve through this folder's deno.json.
import { createApp, loadConfig, warmUp } from '@vecpods/edge/function'
import { parseRegistry } from '@vecpods/registry'
import registryJson from '../../../vecpods.config.json' with { type: 'json' }

const config = loadConfig(parseRegistry(registryJson), Deno.env.toObject())
warmUp(config)
const app = createApp({ ...config, basePath: '/vector-search' })

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 8000), hostname: '127.0.0.1' }, app.fetch)
