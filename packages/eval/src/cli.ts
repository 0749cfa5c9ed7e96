#!/usr/bin/env -S npx tsx
// `pnpm eval [--models lexical,static] [--modes vector,text,hybrid]`: retrieval quality of the
// local stack on the real demo corpus. For each model it seeds the corpus with it (the seed
// re-embeds whatever another model wrote), starts an edge function of its own with it (the Node
// entry, beside the stack's), sends every question of packages/eval/queries.json in every mode
// through HTTP, and scores the top 10 against the question's relevant chunks: MRR@10, nDCG@10,
// recall@10, with the latency the eval saw. Writes benchmarks/quality.json. Run the stack's own
// model last (the default order does), so the stack is left seeded as its function expects.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildCorpus } from '@vecpods/corpus'
import { repoRoot } from '@vecpods/registry/node'
import { adminSql, embedderEnv, stackEndpoints, stackEnvironment, stackOptions, status, up, writeOfflineModel } from '@vecpods/stack'
import { Command } from 'commander'
import { meanMetrics, type RankingMetrics, rankingMetrics } from './metrics.ts'
import { type EvalQuery, isRelevant, loadQueries, relevantCount } from './queries.ts'

const MODES = ['vector', 'text', 'hybrid'] as const
type Mode = (typeof MODES)[number]

interface Row extends RankingMetrics {
  model: string
  mode: Mode
  queries: number
  p50_ms: number
  /** Per collection, the same metrics. */
  collections: Record<string, RankingMetrics>
}

const program = new Command('vecpods-eval')
  .description('Retrieval quality (MRR@10, nDCG@10, recall@10) of every model × mode on the demo corpus, through the local stack')
  .option('--models <list>', 'embedders to compare: static, lexical, transformers (gte-small from VECPODS_MODEL_PATH)', 'lexical,static')
  .option('--modes <list>', 'search modes', MODES.join(','))
  .option('--port <n>', "port of the eval's own edge function", '54393')
  .option('--out <file>', 'where the figures go', 'benchmarks/quality.json')
  .action(async (flags: { models: string; modes: string; port: string; out: string }) => {
    const started = performance.now()
    const opts = stackOptions(process.env, () => {})
    if (!(await status(opts)).every((c) => c.running)) await up(opts)
    const corpus = buildCorpus(repoRoot)
    const queries = loadQueries()
    const totals = queries.map((q) => relevantCount(q, corpus))
    const missing = queries.filter((_, i) => totals[i] === 0)
    if (missing.length) throw new Error(`no relevant chunk in the corpus for: ${missing.map((q) => q.q).join(' | ')}`)
    const modes = flags.modes.split(',') as Mode[]
    console.log(`eval: ${queries.length} questions (${countBy(queries)}) over ${corpus.length} chunks; modes ${modes.join(', ')}`)

    const rows: Row[] = []
    for (const model of flags.models.split(',')) {
      const env = embedderEnv(opts, { ...process.env, VECPODS_EMBEDDER: model })
      await writeOfflineModel(env, console.log)
      console.log(`\n${model}: seeding the corpus with it…`)
      const seed = spawnSync('pnpm', ['-s', 'seed'], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' })
      if (seed.status !== 0) throw new Error(`seed with ${model} failed:\n${seed.stdout}\n${seed.stderr}`)
      console.log(`  ${seed.stdout.trim().split('\n').at(-1)}`)
      const edge = await startEdge(opts, env, Number(flags.port))
      try {
        for (const mode of modes) {
          const row = await measure(edge.base, edge.key, model, mode, queries, totals)
          rows.push(row)
          console.log(
            `  ${mode.padEnd(6)} MRR@10 ${row.mrr.toFixed(3)}  nDCG@10 ${row.ndcg.toFixed(3)}  recall@10 ${row.recall.toFixed(3)}  p50 ${row.p50_ms.toFixed(1)} ms`,
          )
        }
      } finally {
        edge.child.kill('SIGTERM')
        await once(edge.child, 'exit')
      }
    }
    const rankings = await compareTextRankings(opts, queries, totals)
    for (const r of rankings)
      console.log(
        `text ranking ${r.ranking.padEnd(4)} (SQL on the pods) MRR@10 ${r.mrr.toFixed(3)}  nDCG@10 ${r.ndcg.toFixed(3)}  recall@10 ${r.recall.toFixed(3)}`,
      )
    const base = rows.find((r) => r.model === 'lexical' && r.mode === 'vector')
    console.log(`\n${table(rows, base)}`)
    writeFileSync(
      join(repoRoot, flags.out),
      `${JSON.stringify({ ran: new Date().toISOString(), seconds: Math.round((performance.now() - started) / 1000), queries: queries.length, chunks: corpus.length, rows, textRankings: rankings }, null, 2)}\n`,
    )
    console.log(`eval: wrote ${flags.out} in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  })

/** Items by key, in first-seen order (Object.groupBy needs Node 21). */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item])
  return out
}

const countBy = (queries: EvalQuery[]) => [...groupBy(queries, (q) => q.collection)].map(([c, qs]) => `${c} ${qs.length}`).join(', ')

/** The Node entry of the edge function with one embedder, on its own port. */
async function startEdge(opts: ReturnType<typeof stackOptions>, env: Record<string, string>, port: number) {
  const stackEnv = await stackEnvironment(opts)
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'packages/edge/src/node.ts')], {
    env: { ...process.env, ...stackEnv, ...env, PORT: String(port), VECPODS_ENV_FILE: '/nonexistent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const deadline = Date.now() + 60_000
  while (!output.includes('vector-search on Node')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the eval's edge function did not start:\n${output}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return { child, base: `http://127.0.0.1:${port}/vector-search`, key: stackEnv.SUPABASE_SERVICE_ROLE_KEY! }
}

async function measure(base: string, key: string, model: string, mode: Mode, queries: EvalQuery[], totals: number[]): Promise<Row> {
  const post = (q: EvalQuery) =>
    fetch(`${base}/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ collection: q.collection, query: q.q, mode, limit: 10 }),
    })
  // One unmeasured pass: loads the model and fills nothing else (the query cache is per text, and
  // the measured pass repeats the texts, so vector and hybrid skip embedding alike).
  for (const q of queries) await (await post(q)).arrayBuffer()
  const per: Array<RankingMetrics & { collection: string }> = []
  const latencies: number[] = []
  for (const [i, q] of queries.entries()) {
    const t = performance.now()
    const res = await post(q)
    const body = (await res.json()) as { data?: Array<{ metadata?: Record<string, unknown> }>; error?: { message: string } }
    latencies.push(performance.now() - t)
    if (!res.ok || !body.data) throw new Error(`${mode} search for "${q.q}" failed: ${res.status} ${body.error?.message}`)
    per.push({
      ...rankingMetrics(
        body.data.map((h) => isRelevant(q, h.metadata)),
        totals[i]!,
      ),
      collection: q.collection,
    })
  }
  latencies.sort((a, b) => a - b)
  const collections = Object.fromEntries([...groupBy(per, (m) => m.collection)].map(([c, ms]) => [c, meanMetrics(ms)]))
  return { model, mode, queries: queries.length, ...meanMetrics(per), p50_ms: latencies[Math.floor(latencies.length / 2)]!, collections }
}

/**
 * The full-text arm's two rankings side by side, straight on the pods (text mode needs no model):
 * plain ts_rank_cd, and the BM25-like idf-weighted sum the edge uses.
 */
async function compareTextRankings(opts: ReturnType<typeof stackOptions>, queries: EvalQuery[], totals: number[]) {
  const endpoints = await stackEndpoints(opts)
  // One connection per pod for every question and both rankings.
  const pods = new Map(
    [...new Set(queries.map((q) => opts.registry.collections[q.collection]!.pod))].map((pod) => [
      pod,
      adminSql(endpoints.find((e) => e.project === pod)!.dbUrl),
    ]),
  )
  try {
    const out: Array<RankingMetrics & { ranking: string }> = []
    for (const ranking of ['cd', 'bm25']) {
      const per: RankingMetrics[] = []
      for (const [i, q] of queries.entries()) {
        const sql = pods.get(opts.registry.collections[q.collection]!.pod)!
        const rows = await sql<{ metadata: Record<string, unknown> }[]>`
          select metadata from vecpods.text_search(${q.collection}, ${q.q}, null, 10, null, 40, 60, 1, 1, 40, true, false, ${ranking})`
        per.push(
          rankingMetrics(
            rows.map((r) => isRelevant(q, r.metadata)),
            totals[i]!,
          ),
        )
      }
      out.push({ ranking, ...meanMetrics(per) })
    }
    return out
  } finally {
    await Promise.all([...pods.values()].map((sql) => sql.end()))
  }
}

function table(rows: Row[], base: Row | undefined): string {
  const lines = [
    '| model | mode | MRR@10 | × lexical vector | nDCG@10 | recall@10 | docs MRR | posts MRR | api MRR | p50 ms (eval client) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ]
  for (const r of rows) {
    const by = (c: string) => r.collections[c]?.mrr.toFixed(3) ?? '—'
    lines.push(
      `| ${r.model} | ${r.mode} | ${r.mrr.toFixed(3)} | ${base ? `${(r.mrr / base.mrr).toFixed(2)}×` : '—'} | ${r.ndcg.toFixed(3)} | ${r.recall.toFixed(3)} | ${by('docs')} | ${by('posts')} | ${by('api')} | ${r.p50_ms.toFixed(1)} |`,
    )
  }
  return lines.join('\n')
}

program.parseAsync().catch((error: unknown) => {
  console.error(`eval: ${(error as Error).message}`)
  process.exitCode = 1
})
