import type { Context } from './context.ts'
import { LIMIT, type Query, type SearchPath } from './paths.ts'
import { type PathResult, pathRun } from './results.ts'
import { runClosedLoop, runInterleaved } from './run.ts'
import { mean, recallAt, summarize } from './stats.ts'
import type { Neighbour } from './truth.ts'

export const summaryLine = (p: PathResult) => {
  const c1 = p.runs[0]!
  return (
    `  ${p.label}: p50 ${c1.latency.p50.toFixed(2)} ms, ${p.runs.map((r) => `${r.throughput.toFixed(0)} q/s @${r.concurrency}`).join(', ')}` +
    (p.recall === null ? '' : `, recall@10 ${p.recall.toFixed(3)}`) +
    (p.serverP50 === null ? '' : `, in-function p50 ${p.serverP50.toFixed(2)} ms`) +
    (p.runs.some((r) => r.errors) ? `, ${p.runs.reduce((a, r) => a + r.errors, 0)} errors (${p.runs.find((r) => r.firstError)?.firstError})` : '')
  )
}

export const recallOf = (answers: (string[] | undefined)[], truth: Neighbour[][]) =>
  mean(
    answers.map((ids, i) =>
      recallAt(
        LIMIT,
        ids ?? [],
        truth[i]!.map((n) => n.id),
      ),
    ),
  )

/**
 * Latency at concurrency 1 with the paths interleaved (each query sent to every path in turn,
 * so the shared machine's noise falls on all alike), recall from those answers, then
 * closed-loop throughput runs of each path at the higher concurrencies.
 */
export async function measurePaths(ctx: Context, entries: Array<{ path: SearchPath; truth: Neighbour[][] | null }>, queries: Query[]): Promise<PathResult[]> {
  const { o, ui } = ctx
  for (const { path } of entries) {
    ctx.track(path)
    await runClosedLoop(path.search, queries, { concurrency: 1, requests: o.warmup })
    path.serverMs?.splice(0)
  }
  const rounds = o.requests(1)
  const bar = ui.phase('all paths ×1, interleaved', rounds)
  const single = await runInterleaved(
    entries.map((e) => e.path.search),
    queries,
    rounds,
    () => bar.tick(),
  )
  bar.done()
  const results: PathResult[] = entries.map(({ path, truth }, i) => {
    const r = single[i]!
    return {
      id: path.id,
      label: path.label,
      recall: truth ? recallOf(r.answers, truth) : null,
      serverP50: path.serverMs?.length ? summarize(path.serverMs).p50 : null,
      runs: [pathRun(1, rounds, r)],
    }
  })
  for (const [i, { path }] of entries.entries()) {
    for (const concurrency of o.concurrencies.filter((c) => c > 1)) {
      const requests = o.requests(concurrency)
      const loop = ui.phase(`${path.id} ×${concurrency}`, requests)
      const run = await runClosedLoop(path.search, queries, { concurrency, requests, onRequest: () => loop.tick() })
      loop.done()
      results[i]!.runs.push(pathRun(concurrency, requests, run))
    }
    await path.close()
    ui.log(summaryLine(results[i]!))
  }
  return results
}

/** One interleaved pass over the queries at concurrency 1: recall, rows returned and latency of each path. */
export async function measureTogether(ctx: Context, paths: SearchPath[], queries: Query[], truth: Neighbour[][]) {
  for (const path of paths) {
    ctx.track(path)
    await runClosedLoop(path.search, queries, { concurrency: 1, requests: ctx.o.warmup })
  }
  const runs = await runInterleaved(
    paths.map((p) => p.search),
    queries,
    queries.length,
  )
  await Promise.all(paths.map((p) => p.close()))
  return runs.map((run) => {
    const answered = run.answers.filter((a): a is string[] => a !== undefined)
    // A full answer holds the limit, or every matching row when fewer match.
    const full = run.answers.filter((a, i) => a !== undefined && a.length >= Math.min(LIMIT, truth[i]!.length))
    return {
      recall: recallOf(run.answers, truth),
      meanRows: mean(answered.map((a) => a.length)),
      fullShare: full.length / queries.length,
      p50: summarize(run.latencies).p50,
      errors: run.errors,
    }
  })
}
