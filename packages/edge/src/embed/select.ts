import { LEXICAL_DIMS, OFFLINE_MODELS } from '@vecpods/offline-models/id'
import type { Registry } from '@vecpods/registry'
import { SUPABASE_GTE_SMALL, supabaseAi, supabaseAiEmbedder } from './supabase-ai.ts'
import type { Embedder, TransformersFactory } from './types.ts'

/**
 * Embedders an entry can load besides Supabase's built-in one. The deployed function passes none
 * (its bundle must stay small and the hosted runtime cannot load onnxruntime-node); Node and the
 * local stack pass transformers.js.
 */
export interface EmbedderKit {
  transformers?: TransformersFactory
  /** Where to look for `Supabase.ai` (default `globalThis`). */
  scope?: object
}

export const EMBEDDERS = ['auto', 'supabase-ai', 'transformers', 'static', 'lexical', 'none'] as const
export type EmbedderChoice = (typeof EMBEDDERS)[number]

/**
 * Picks the embedder from `VECPODS_EMBEDDER` (default `auto`):
 * - `auto`: Supabase Edge Runtime's built-in gte-small when running inside it and the registry's
 *   model is gte-small, else `transformers`.
 * - `supabase-ai`: the Edge Runtime's gte-small; fails elsewhere.
 * - `transformers`: transformers.js with the registry's model, from the hub (cached) or from
 *   `VECPODS_MODEL_PATH` when set.
 * - `static`: the generated offline static word-vector model from `VECPODS_MODEL_PATH` (`pnpm
 *   model` writes it): GloVe word vectors plus a lexical part, for machines that cannot download
 *   weights. Related words meet; no word order, no context.
 * - `lexical`: the generated offline lexical model (`pnpm model --kind lexical`): a bag of words.
 * - `none`: no model; requests must carry vectors.
 */
export function selectEmbedder(registry: Registry, env: Record<string, string | undefined>, kit: EmbedderKit = {}): Embedder | undefined {
  const choice = (env.VECPODS_EMBEDDER ?? 'auto') as EmbedderChoice
  if (!EMBEDDERS.includes(choice)) throw new Error(`VECPODS_EMBEDDER must be one of ${EMBEDDERS.join(', ')}, got "${choice}"`)
  const { id, dims } = registry.model
  const modelPath = env.VECPODS_MODEL_PATH || undefined
  const ai = supabaseAi(kit.scope ?? globalThis)
  const transformers = (what: string) => {
    if (kit.transformers) return kit.transformers
    throw new Error(`${what} needs transformers.js, which this entry does not load: run the local entry, or set VECPODS_EMBEDDER=none`)
  }
  if (choice === 'auto' && ai && id === SUPABASE_GTE_SMALL) return supabaseAiEmbedder(ai)
  switch (choice) {
    case 'none':
      return undefined
    case 'supabase-ai':
      if (!ai) throw new Error('VECPODS_EMBEDDER=supabase-ai: Supabase.ai is only available inside Supabase Edge Runtime')
      return supabaseAiEmbedder(ai)
    case 'static':
    case 'lexical': {
      if (!modelPath) throw new Error(`VECPODS_EMBEDDER=${choice} needs VECPODS_MODEL_PATH (the directory \`pnpm model\` writes to)`)
      if (dims !== LEXICAL_DIMS) throw new Error(`the ${choice} model has ${LEXICAL_DIMS} dimensions; the registry's model has ${dims}`)
      return transformers(`VECPODS_EMBEDDER=${choice}`)({ model: OFFLINE_MODELS[choice], dims, kind: choice, localModelPath: modelPath })
    }
    case 'auto':
    case 'transformers':
      return transformers(`VECPODS_EMBEDDER=${choice} outside Supabase Edge Runtime`)({
        model: id,
        dims,
        kind: 'semantic',
        ...(modelPath ? { localModelPath: modelPath } : {}),
      })
  }
}
