#!/usr/bin/env -S npx tsx
// `pnpm eval:fusion`: chooses the hybrid fusion on the development split only. Both arms of every
// dev question come from the running stack (each mode on its own, 100 deep); each candidate
// method and setting is applied by the edge's own reference fusion (packages/edge/src/search/
// fusion.ts, which the pods' SQL is held to) and scored. Writes benchmarks/fusion-dev.json; the
// chosen defaults are FUSION_DEFAULTS in packages/protocol. The test split is never read here.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildCorpus } from '@vecpods/corpus'
import { type FusionSettings, fuseArms } from '@vecpods/edge/fusion'
import { FUSION_DEFAULTS } from '@vecpods/protocol'
import { repoRoot } from '@vecpods/registry/node'
import { stackEnvironment, stackOptions, status, up } from '@vecpods/stack'
import { collectArms } from './arms.ts'
import { meanMetrics, rankingMetrics } from './metrics.ts'
import { loadQueries, relevantCount } from './queries.ts'

const opts = stackOptions(process.env, () => {})
if (!(await status(opts)).every((c) => c.running)) await up(opts)
const env = await stackEnvironment(opts)
const corpus = buildCorpus(repoRoot)
const dev = loadQueries().filter((q) => q.split === 'dev')
const arms = await collectArms({ base: `${env.SUPABASE_URL}/functions/v1/vector-search`, key: env.SUPABASE_SERVICE_ROLE_KEY! }, dev)
const totals = arms.map((a) => relevantCount(a.query, corpus))
const CANDIDATES = 40 // what the service fuses for limit 10

function evaluate(settings: FusionSettings | 'vector' | 'text') {
  const per = arms.map((a, i) => {
    const relevant = new Map([...a.vector, ...a.text].map((h) => [h.id, h.relevant]))
    const ids =
      settings === 'vector' || settings === 'text'
        ? a[settings].map((h) => h.id)
        : fuseArms(a.vector.slice(0, CANDIDATES), a.text.slice(0, CANDIDATES), settings).map((h) => h.id)
    return {
      ...rankingMetrics(
        ids.slice(0, 10).map((id) => relevant.get(id) ?? false),
        totals[i]!,
      ),
      collection: a.query.collection,
    }
  })
  const by = (c: string) => meanMetrics(per.filter((p) => p.collection === c)).mrr
  return { ...meanMetrics(per), api: by('api'), docs: by('docs'), posts: by('posts') }
}

const grid: Array<{ name: string; settings: FusionSettings | 'vector' | 'text' }> = [
  { name: 'vector arm alone', settings: 'vector' },
  { name: 'text arm alone (BM25)', settings: 'text' },
]
for (const k of [0, 1, 2, 5, 10, 20, 40, 60, 100])
  for (const textWeight of [0.5, 0.7, 1, 1.5, 2, 3])
    grid.push({ name: `rrf k ${k}, text weight ${textWeight}`, settings: { method: 'rrf', k, vectorWeight: 1, textWeight } })
for (const vectorWeight of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
  grid.push({
    name: `convex, vector weight ${vectorWeight}`,
    settings: { method: 'convex', k: 0, vectorWeight, textWeight: Math.round((1 - vectorWeight) * 10) / 10 },
  })
const rows = grid.map((g) => ({ ...g, ...evaluate(g.settings) }))
const f = (x: number) => x.toFixed(3)
console.log(`eval:fusion: ${arms.length} questions of the development split, ${CANDIDATES} candidates per arm`)
for (const r of [...rows].sort((a, b) => b.mrr - a.mrr))
  console.log(`  ${r.name.padEnd(32)} MRR@10 ${f(r.mrr)}  nDCG@10 ${f(r.ndcg)}  | api ${f(r.api)} docs ${f(r.docs)} posts ${f(r.posts)}`)
console.log(`shipped defaults: ${JSON.stringify(FUSION_DEFAULTS)}`)
writeFileSync(
  join(repoRoot, 'benchmarks', 'fusion-dev.json'),
  `${JSON.stringify({ ran: new Date().toISOString(), split: 'dev', questions: arms.length, candidates: CANDIDATES, rows }, null, 2)}\n`,
)
