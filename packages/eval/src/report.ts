import type { RankingMetrics } from './metrics.ts'
import type { Scores } from './scoring.ts'

export const COLLECTIONS = ['api', 'docs', 'posts'] as const
const f3 = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(3))

/** One line per system: MRR@10, nDCG@10, recall@10, hit@1 over all, then MRR per collection. */
export function systemsTable(systems: Record<string, Scores>): string {
  const lines = [
    `| system | MRR@10 | nDCG@10 | recall@10 | hit@1 | ${COLLECTIONS.map((c) => `${c} MRR`).join(' | ')} |`,
    `| --- | --- | --- | --- | --- | ${COLLECTIONS.map(() => '---').join(' | ')} |`,
  ]
  for (const [name, s] of Object.entries(systems)) {
    lines.push(
      `| ${name} | ${f3(s.mrr)} | ${f3(s.ndcg)} | ${f3(s.recall)} | ${f3(s.hit1)} | ${COLLECTIONS.map((c) => f3(s.collections[c]?.mrr)).join(' | ')} |`,
    )
  }
  return lines.join('\n')
}

/** One table per collection: every metric of every system. */
export function collectionTables(systems: Record<string, Scores>): string {
  return COLLECTIONS.map((c) => {
    const first = Object.values(systems)[0]?.collections[c]
    const lines = [`${c} (${first?.questions ?? 0} questions)`, '| system | MRR@10 | nDCG@10 | recall@10 | hit@1 |', '| --- | --- | --- | --- | --- |']
    for (const [name, s] of Object.entries(systems)) {
      const m = s.collections[c]
      lines.push(`| ${name} | ${f3(m?.mrr)} | ${f3(m?.ndcg)} | ${f3(m?.recall)} | ${f3(m?.hit1)} |`)
    }
    return lines.join('\n')
  }).join('\n\n')
}

/** MRR@10 of keyword and paraphrased questions, per collection. */
export function kindsTable(systems: Record<string, Scores>): string {
  const cells = COLLECTIONS.flatMap((c) => ['keyword', 'paraphrase'].map((k) => `${c}/${k}`))
  const anyScores = Object.values(systems)[0]
  const lines = [
    `| system | ${cells.map((c) => `${c} (${anyScores?.cells[c]?.questions ?? 0})`).join(' | ')} |`,
    `| --- | ${cells.map(() => '---').join(' | ')} |`,
  ]
  for (const [name, s] of Object.entries(systems)) lines.push(`| ${name} | ${cells.map((c) => f3(s.cells[c]?.mrr)).join(' | ')} |`)
  return lines.join('\n')
}

/** Issue-level targets for the service's modes, each met or missed, with the figures it compared. */
export function targets(s: { vector: Scores; text: Scores; hybrid: Scores; bm25: Scores }): Array<{ met: boolean; what: string }> {
  const out: Array<{ met: boolean; what: string }> = []
  const m = (x: RankingMetrics | undefined) => x?.mrr ?? 0
  for (const c of COLLECTIONS) {
    out.push({
      met: m(s.text.collections[c]) >= m(s.bm25.collections[c]) - 1e-9,
      what: `${c}: text ${f3(m(s.text.collections[c]))} ≥ independent BM25 ${f3(m(s.bm25.collections[c]))}`,
    })
  }
  for (const c of COLLECTIONS) {
    const better = Math.max(m(s.vector.collections[c]), m(s.text.collections[c]))
    out.push({
      met: m(s.hybrid.collections[c]) >= 1.1 * better,
      what: `${c}: hybrid ${f3(m(s.hybrid.collections[c]))} ≥ 1.1 × better arm ${f3(better)} (${(m(s.hybrid.collections[c]) / better).toFixed(2)}×)`,
    })
  }
  out.push({
    met: s.hybrid.mrr >= 1.25 * s.text.mrr,
    what: `overall: hybrid ${f3(s.hybrid.mrr)} ≥ 1.25 × text ${f3(s.text.mrr)} (${(s.hybrid.mrr / s.text.mrr).toFixed(2)}×)`,
  })
  const para = (c: string) => m(s.hybrid.cells[`${c}/paraphrase`])
  out.push({ met: para('api') >= 0.3, what: `api paraphrased: hybrid ${f3(para('api'))} ≥ 0.30` })
  out.push({ met: para('docs') >= 0.25, what: `docs paraphrased: hybrid ${f3(para('docs'))} ≥ 0.25` })
  return out
}

/**
 * Figures of the test split that fell by more than `tolerance` against the previous run (same
 * system, collection, metric): a ranking change may not lower them without a note.
 */
export function regressions(before: Record<string, Scores> | undefined, after: Record<string, Scores>, tolerance = 0.01): string[] {
  if (!before) return []
  const out: string[] = []
  for (const [name, s] of Object.entries(after)) {
    const old = before[name]
    if (!old) continue
    for (const c of [...COLLECTIONS, 'all'] as const) {
      const [a, b] = c === 'all' ? [s, old] : [s.collections[c], old.collections[c]]
      if (!a || !b) continue
      for (const metric of ['mrr', 'ndcg', 'recall', 'hit1'] as const) {
        if ((b[metric] ?? 0) - (a[metric] ?? 0) > tolerance) out.push(`${name} ${c} ${metric}: ${f3(b[metric])} → ${f3(a[metric])}`)
      }
    }
  }
  return out
}
