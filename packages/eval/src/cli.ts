#!/usr/bin/env -S npx tsx
// `pnpm eval [--split test] [--models static]`: retrieval quality of the local stack on the real
// demo corpus, on the frozen test split by default. For each model it seeds the corpus with it,
// starts an edge function of its own (the Node entry) and asks every question in every mode over
// HTTP; beside them, baselines computed outside the database (Okapi BM25 by
// wink-bm25-text-search on the pods' tokens, the static model's exact cosine ranking, and the two
// fused by textbook RRF). MRR@10, nDCG@10, recall@10 and hit@1, per collection and for keyword
// and paraphrased questions apart; the issue's targets met or missed. Writes
// benchmarks/quality.json, refusing (without --note) when a test-split figure fell by more than 0.01.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildCorpus } from '@vecpods/corpus'
import { OFFLINE_MODELS } from '@vecpods/offline-models'
import { repoRoot } from '@vecpods/registry/node'
import { adminSql, embedderEnv, stackEndpoints, stackOptions, status, up, writeOfflineModel } from '@vecpods/stack'
import { Command } from 'commander'
import { offlineBaselines, type Ranking } from './baselines.ts'
import { searchEdge, startEdge } from './edge-process.ts'
import { type EvalQuery, isRelevant, loadQueries, relevantCount } from './queries.ts'
import { COLLECTIONS, collectionTables, kindsTable, regressions, systemsTable, targets } from './report.ts'
import { type Judged, type Scores, score } from './scoring.ts'

const MODES = ['vector', 'text', 'hybrid'] as const
const OUT = 'benchmarks/quality.json'

new Command('vecpods-eval')
  .description('Retrieval quality of the stack (every mode) and of baselines outside the database, on the frozen test split')
  .option('--split <split>', 'test (reported), dev (tuned on), or all', 'test')
  .option('--models <list>', 'embedders: static, lexical, transformers (gte-small from VECPODS_MODEL_PATH)', 'static')
  .option('--port <n>', "port of the eval's own edge function", '54393')
  .option('--note <text>', 'why a test-split figure may fall by more than 0.01 (recorded in the output)')
  .action(async (flags: { split: string; models: string; port: string; note?: string }) => {
    const started = performance.now()
    const opts = stackOptions(process.env, () => {})
    if (!(await status(opts)).every((c) => c.running)) await up(opts)
    const corpus = buildCorpus(repoRoot)
    const queries = loadQueries().filter((q) => flags.split === 'all' || q.split === flags.split)
    const totals = new Map(queries.map((q) => [q.q, relevantCount(q, corpus)]))
    const relevance = new Map(corpus.map((c) => [c.id, c.metadata]))
    const judge = (q: EvalQuery, ids: string[]): Judged => ({
      query: q,
      relevant: ids.slice(0, 10).map((id) => isRelevant(q, relevance.get(id))),
      total: totals.get(q.q)!,
    })
    console.log(`eval: ${queries.length} questions of the ${flags.split} split over ${corpus.length} chunks`)

    const endpoints = await stackEndpoints(opts)
    const pods = new Map(COLLECTIONS.map((c) => [c, adminSql(endpoints.find((e) => e.project === opts.registry.collections[c]!.pod)!.dbUrl)]))
    const systems: Record<string, Scores> = {}
    const latency: Record<string, number> = {}
    try {
      for (const model of flags.models.split(',')) {
        const env = embedderEnv(opts, { ...process.env, VECPODS_EMBEDDER: model })
        await writeOfflineModel(env, console.log)
        const seed = spawnSync('pnpm', ['-s', 'seed'], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' })
        if (seed.status !== 0) throw new Error(`seed with ${model} failed:\n${seed.stdout}\n${seed.stderr}`)
        console.log(`${model}: ${seed.stdout.trim().split('\n').at(-1)}`)
        const edge = await startEdge(opts, env, Number(flags.port))
        try {
          for (const mode of MODES) {
            const ask = (q: EvalQuery) => searchEdge(edge, { collection: q.collection, query: q.q, mode, limit: 10 })
            for (const q of queries) await ask(q) // warm: the model, the pods' caches
            const judged: Judged[] = []
            const times: number[] = []
            for (const q of queries) {
              const t = performance.now()
              const hits = await ask(q)
              times.push(performance.now() - t)
              judged.push(
                judge(
                  q,
                  hits.map((h) => h.id),
                ),
              )
            }
            systems[`${model} ${mode}`] = score(judged)
            latency[`${model} ${mode}`] = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!
          }
        } finally {
          await edge.stop()
        }
      }
      // Baselines outside the database, with the static model (the one the stack serves here).
      const baselines = await offlineBaselines({
        corpus,
        collections: COLLECTIONS,
        sqlOf: (c) => pods.get(c as (typeof COLLECTIONS)[number])!,
        modelRoot: embedderEnv(opts, { ...process.env, VECPODS_EMBEDDER: 'static' }).VECPODS_MODEL_PATH!,
        modelId: OFFLINE_MODELS.static,
      })
      for (const [name, rank] of Object.entries({
        'BM25 (wink, offline)': baselines.bm25,
        'static vectors (exact, offline)': baselines.vectors,
        'RRF k60 of both (offline)': baselines.rrf,
      })) {
        systems[name] = score(await Promise.all(queries.map(async (q) => judge(q, await (rank as Ranking)(q)))))
      }
    } finally {
      await Promise.all([...pods.values()].map((sql) => sql.end()))
    }

    console.log(`\n${systemsTable(systems)}\n\n${collectionTables(systems)}\n\nkeyword and paraphrased questions (MRR@10)\n${kindsTable(systems)}`)
    console.log(
      `\np50 per search as the eval's client saw it: ${Object.entries(latency)
        .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
        .join(', ')}`,
    )
    const met =
      systems['static vector'] && systems['static text'] && systems['static hybrid']
        ? targets({ vector: systems['static vector'], text: systems['static text'], hybrid: systems['static hybrid'], bm25: systems['BM25 (wink, offline)']! })
        : []
    if (met.length) console.log(`\nTargets (${flags.split} split)\n${met.map((t) => `  ${t.met ? 'met   ' : 'MISSED'}  ${t.what}`).join('\n')}`)

    const file = join(repoRoot, OUT)
    const previous = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { split?: string; systems?: Record<string, Scores>; notes?: string[] })
      : undefined
    const fell = flags.split === 'test' && previous?.split === 'test' ? regressions(previous.systems, systems) : []
    if (fell.length && !flags.note) {
      console.error(`\neval: test-split figures fell by more than 0.01 (not written; explain with --note "…" and in BENCHMARKS.md):\n  ${fell.join('\n  ')}`)
      process.exitCode = 1
      return
    }
    const notes = [...(previous?.notes ?? []), ...(flags.note ? [`${new Date().toISOString().slice(0, 10)}: ${flags.note} (${fell.join('; ')})`] : [])]
    writeFileSync(
      file,
      `${JSON.stringify({ ran: new Date().toISOString(), seconds: Math.round((performance.now() - started) / 1000), split: flags.split, questions: queries.length, chunks: corpus.length, systems, latency, targets: met, notes }, null, 2)}\n`,
    )
    console.log(`eval: wrote ${OUT} in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  })
  .parseAsync()
  .catch((error: unknown) => {
    console.error(`eval: ${(error as Error).message}`)
    process.exitCode = 1
  })
