import { readFileSync } from 'node:fs'
import { meanMetrics, type RankingMetrics, rankingMetrics } from '@vecpods/eval/metrics'
import { z } from 'zod'
import { UsageError } from './project.ts'

/** A question file: what a team asks, and which rows of which collection answer it. */
const questionsSchema = z
  .array(z.strictObject({ q: z.string().min(1), collection: z.string().min(1), relevant: z.array(z.string().min(1)).min(1) }))
  .min(1, 'at least one question')

export const EVAL_MODES = ['vector', 'text', 'hybrid'] as const

export interface EvalOptions {
  /** The function's URL, `…/functions/v1/vector-search`. */
  url: string
  /** The key to call it with (the anon key: what the app's users get). */
  key: string
  modes: readonly string[]
}

/**
 * `vecpods eval <questions.json>`: asks each question through the deployed function in each search
 * mode and reports MRR@10, nDCG@10, recall@10 and hit@1 per collection and mode against the rows
 * the file names as relevant. A mode the function cannot serve (no embedder, no full text) is
 * reported with its error code, not scored.
 */
export async function evalCommand(
  file: string,
  options: EvalOptions,
  log: (line: string) => void,
): Promise<Record<string, Record<string, RankingMetrics | string>>> {
  let questions: z.infer<typeof questionsSchema>
  try {
    questions = questionsSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
  } catch (error) {
    const detail = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (error as Error).message
    throw new UsageError(`${file}: not a question file ([{ "q", "collection", "relevant": [ids] }]): ${detail}`)
  }
  const report: Record<string, Record<string, RankingMetrics | string>> = {}
  const collections = [...new Set(questions.map((q) => q.collection))]
  for (const collection of collections) {
    const asked = questions.filter((q) => q.collection === collection)
    report[collection] = {}
    for (const mode of options.modes) {
      const scores: RankingMetrics[] = []
      let failure: string | undefined
      for (const q of asked) {
        const res = await fetch(`${options.url}/search`, {
          method: 'POST',
          headers: { apikey: options.key, authorization: `Bearer ${options.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ collection, query: q.q, mode, limit: 10 }),
        })
        const body = (await res.json().catch(() => ({}))) as { data?: Array<{ id: string }>; error?: { code: string } }
        if (!res.ok || !body.data) {
          failure = `${res.status} ${body.error?.code ?? 'error'}`
          break
        }
        const relevant = new Set(q.relevant)
        scores.push(
          rankingMetrics(
            body.data.map((h) => relevant.has(h.id)),
            relevant.size,
          ),
        )
      }
      report[collection]![mode] = failure ?? meanMetrics(scores)
    }
  }
  log(`vecpods eval: ${questions.length} questions over ${collections.length} collection${collections.length > 1 ? 's' : ''}, top 10`)
  log(`  ${'collection'.padEnd(14)}${'mode'.padEnd(8)}${'MRR@10'.padStart(8)}${'nDCG@10'.padStart(9)}${'recall@10'.padStart(11)}${'hit@1'.padStart(7)}`)
  for (const [collection, modes] of Object.entries(report)) {
    for (const [mode, m] of Object.entries(modes)) {
      const row =
        typeof m === 'string' ? `  not served: ${m}` : [m.mrr, m.ndcg, m.recall, m.hit1].map((x, i) => x.toFixed(3).padStart([8, 9, 11, 7][i]!)).join('')
      log(`  ${collection.padEnd(14)}${mode.padEnd(8)}${row}`)
    }
  }
  return report
}
