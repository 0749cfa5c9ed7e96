import type { Registry } from '@vecpods/registry'
import { type EdgeConfig, type Env, loadConfig } from './config.ts'
import type { EmbedderKit } from './embed/select.ts'
import { transformersEmbedder } from './embed/transformers.ts'

/** Every embedder outside Supabase's runtime: transformers.js (gte-small from files, or the generated offline model). */
export const localEmbedders: EmbedderKit = { transformers: transformersEmbedder }

/** `loadConfig` for Node and the local stack's Deno entry, which may embed with transformers.js. */
export function loadLocalConfig(registry: Registry, env: Env): EdgeConfig {
  return loadConfig(registry, env, localEmbedders)
}
