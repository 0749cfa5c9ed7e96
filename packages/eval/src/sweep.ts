#!/usr/bin/env -S npx tsx
// `pnpm eval:sweep`: how the static model's weights change retrieval quality on the development split, measured without the
// stack (exact cosine ranking in process over the real corpus and the eval's query set), beside
// the lexical model. Writes benchmarks/quality-sweep.json; the chosen weights are STATIC_WEIGHTS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildCorpus } from '@vecpods/corpus'
import { loadGlove } from '@vecpods/glove'
import { buildStaticModel, LEXICAL_MODEL_ID, STATIC_MODEL_ID, type StaticWeights, writeLexicalModel, writeModel } from '@vecpods/offline-models'
import { repoRoot } from '@vecpods/registry/node'
import { exactVectorQuality, loadExtractor } from './offline.ts'
import { loadQueries } from './queries.ts'

const corpus = buildCorpus(repoRoot)
// Weights are chosen here: on the development split only (the test split reports them, pnpm eval).
const queries = loadQueries().filter((q) => q.split === 'dev')
const glove = await loadGlove()
const grid: StaticWeights[] = []
const base = { sif: 1e-3, extraVocabRank: 30_000 }
for (const removeComponents of [0, 2, 5]) for (const semantic of [0.75, 1, 1.25]) grid.push({ ...base, semantic, removeComponents })

const fmt = (x: number) => x.toFixed(3)
const rows: Array<Record<string, unknown>> = []
const scratch = mkdtempSync(join(tmpdir(), 'vecpods-sweep-'))
try {
  const lexicalRoot = join(scratch, 'lexical')
  await writeLexicalModel(lexicalRoot)
  const lexical = await exactVectorQuality(await loadExtractor(lexicalRoot, LEXICAL_MODEL_ID), corpus, queries)
  console.log(`eval:sweep: ${queries.length} queries, ${corpus.length} chunks; exact vector ranking in process`)
  console.log(`  lexical model                               MRR@10 ${fmt(lexical.mrr)}  nDCG@10 ${fmt(lexical.ndcg)}  recall@10 ${fmt(lexical.recall)}`)
  rows.push({ model: 'lexical', ...lexical })
  for (const [i, w] of grid.entries()) {
    const root = join(scratch, `static-${i}`)
    await writeModel(root, STATIC_MODEL_ID, `sweep-${i}`, async () => buildStaticModel(glove, w))
    const m = await exactVectorQuality(await loadExtractor(root, STATIC_MODEL_ID), corpus, queries)
    console.log(
      `  static semantic ${String(w.semantic).padEnd(3)} sif ${String(w.sif).padEnd(6)} extra vocab ${String(w.extraVocabRank).padEnd(6)} −pc ${w.removeComponents} MRR@10 ${fmt(m.mrr)}  nDCG@10 ${fmt(m.ndcg)}  recall@10 ${fmt(m.recall)}  (${(m.mrr / lexical.mrr).toFixed(2)}× lexical)`,
    )
    rows.push({ model: 'static', ...w, ...m })
    rmSync(root, { recursive: true, force: true })
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
writeFileSync(
  join(repoRoot, 'benchmarks', 'quality-sweep.json'),
  `${JSON.stringify({ ran: new Date().toISOString(), queries: queries.length, chunks: corpus.length, rows }, null, 2)}\n`,
)
