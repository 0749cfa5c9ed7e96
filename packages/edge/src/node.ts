// The vector-search function on Node: the same Hono app as the Deno entry, served by
// @hono/node-server. `pnpm edge:node` runs it against the local stack (settings from .env.local).
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { serve } from '@hono/node-server'
import { defaultRegistryPath, loadRegistry, repoRoot } from '@vecpods/registry/node'
import { createApp } from './app.ts'
import { warmUp } from './config.ts'
import { loadLocalConfig } from './local.ts'

const envFile = resolve(repoRoot, process.env.VECPODS_ENV_FILE ?? '.env.local')
// Variables already set win over the file.
if (existsSync(envFile)) process.loadEnvFile(envFile)

const config = loadLocalConfig(loadRegistry(defaultRegistryPath()), process.env)
warmUp(config)
const basePath = process.env.VECPODS_BASE_PATH ?? '/vector-search'
const app = createApp({ ...config, basePath })
const port = Number(process.env.PORT ?? 8787)
const hostname = process.env.HOST ?? '127.0.0.1'

const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
  const embedder = config.embedder ? `${config.embedder.model} (${config.embedder.kind})` : 'none: send vectors'
  console.log(`vector-search on Node: http://${hostname}:${info.port}${basePath}  embedder ${embedder}`)
})

const shutdown = () => {
  server.close()
  void Promise.all([...config.pods.values()].map((pod) => pod.close())).finally(() => process.exit(0))
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
