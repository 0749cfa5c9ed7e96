import type { Embedder } from './types.ts'

/** The slice of Supabase Edge Runtime's built-in AI API this embedder uses. */
interface SupabaseAi {
  Session: new (model: string) => { run(input: string, options: { mean_pool: boolean; normalize: boolean }): Promise<unknown> }
}

export const SUPABASE_GTE_SMALL = 'Supabase/gte-small'

/** The Edge Runtime's `Supabase.ai`, when this code runs inside it. */
export function supabaseAi(scope: object = globalThis): SupabaseAi | undefined {
  const ai = (scope as { Supabase?: { ai?: SupabaseAi } }).Supabase?.ai
  return typeof ai?.Session === 'function' ? ai : undefined
}

/**
 * gte-small as Supabase Edge Runtime ships it (`new Supabase.ai.Session('gte-small')`): the same
 * weights as transformers.js's `Supabase/gte-small`, so both record that model id. The session
 * embeds one text per call; texts are run a few at a time.
 */
export function supabaseAiEmbedder(ai: SupabaseAi, concurrency = 4): Embedder {
  const session = new ai.Session('gte-small')
  const one = async (text: string): Promise<number[]> => {
    const out = await session.run(text, { mean_pool: true, normalize: true })
    if (!Array.isArray(out)) throw new Error('Supabase.ai gte-small returned no vector')
    return out as number[]
  }
  return {
    model: SUPABASE_GTE_SMALL,
    dims: 384,
    kind: 'semantic',
    // 8 texts at up to 200 ms each stay inside the runtime's 2 s of CPU per request.
    maxTextsPerRequest: 8,
    async embed(texts) {
      const out: number[][] = new Array(texts.length)
      for (let i = 0; i < texts.length; i += concurrency) {
        const chunk = texts.slice(i, i + concurrency)
        for (const [j, v] of (await Promise.all(chunk.map(one))).entries()) out[i + j] = v
      }
      return out
    },
  }
}
