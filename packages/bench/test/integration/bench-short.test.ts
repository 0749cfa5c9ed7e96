import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '@vecpods/registry/node'
import { adminSql, stackEndpoints, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BENCH_COLLECTIONS, type BenchResults, checkTargets, cleanBench } from '../../src/index.ts'

// `pnpm bench --short` as CI runs it: every phase against the real stack, on little data. Its
// figures mean nothing and nothing here looks at speed; it checks that every path answers, that
// recall and the other figures are computed from real answers, and that the files are written.
// (On a developer's stack this replaces the full bench data: `pnpm bench` generates it again.)
const outDir = mkdtempSync(join(tmpdir(), 'vecpods-bench-'))
let stdout: string
let results: BenchResults

beforeAll(() => {
  // The command itself, as a user or CI runs it (not a TTY: one line per phase).
  stdout = execFileSync('pnpm', ['-s', 'bench', '--short', '--reload', '--out', outDir], { cwd: repoRoot, encoding: 'utf8', timeout: 280_000 })
  results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as BenchResults
}, 300_000)

afterAll(async () => {
  await cleanBench(process.env, () => {})
  rmSync(outDir, { recursive: true, force: true })
})

describe('pnpm bench --short', () => {
  it('measures every path at every concurrency without a failed request', () => {
    expect(results.paths.map((p) => p.id)).toEqual([
      'pod-sql',
      'pod-sql-unprepared',
      'pod-rpc',
      'edge-vector',
      'edge-vector-direct',
      'edge-text',
      'primary-rpc',
      'edge-vector-pod_b',
      'edge-vector-pod_c',
      'edge-fanout',
    ])
    for (const p of results.paths) {
      expect(p.runs.map((r) => r.concurrency)).toEqual([1, 8, 32])
      for (const r of p.runs) {
        expect(r.errors, `${p.id} @${r.concurrency}: ${r.firstError}`).toBe(0)
        expect(r.latency.count).toBe(r.requests)
      }
    }
  })

  it('scores recall against exact scans: HNSW on 2,000 rows finds nearly all true neighbours', () => {
    for (const p of results.paths.filter((x) => x.id !== 'edge-text')) expect(p.recall, p.id).toBeGreaterThanOrEqual(0.9)
    expect(results.paths.find((p) => p.id === 'edge-text')!.recall).toBeNull()
    // The edge reports the time it spent inside; SQL does not.
    expect(results.paths.find((p) => p.id === 'edge-vector')!.serverP50).toBeGreaterThan(0)
    expect(results.paths.find((p) => p.id === 'pod-sql')!.serverP50).toBeNull()
  })

  it('filtered searches through the edge return the full limit at 50, 10 and 1%', () => {
    const edge = results.filtered.filter((f) => f.path === 'edge-vector')
    expect(edge.map((f) => f.selectivity)).toEqual([50, 10, 1])
    for (const f of edge) expect([f.fullShare, f.meanRows, f.errors]).toEqual([1, 10, 0])
    // Without iterative scans, SQL on the pod answers with what the first ef_search candidates hold.
    for (const f of results.filtered) expect(f.meanRows).toBeLessThanOrEqual(10)
  })

  it('generated the data in the pods and recorded the load, ingestion and embedding figures', async () => {
    expect(results.load.map((l) => [l.collection, l.reused, l.rows])).toEqual(BENCH_COLLECTIONS.map((c) => [c, false, 2000]))
    const eps = await stackEndpoints(stackOptions(process.env, () => {}))
    const db = adminSql(eps.find((e) => e.project === 'pod_c')!.dbUrl)
    const [row] = await db`select count(*)::int as n, count(*) filter (where metadata @> '{"s10": true}')::int as s10 from vecs.bench_c`
    await db.end()
    expect(row!.n).toBe(2000)
    expect(row!.s10).toBeGreaterThan(100)
    expect(row!.s10).toBeLessThan(300)
    expect(results.ingestion.vectors.rows).toBe(200)
    expect(results.ingestion.text.rows).toBe(100)
    expect(results.embedding.single.rows).toBe(32)
    expect(results.foreignScan.map((p) => p.flag)).toEqual([null, 's50', 's10', 's1'])
    expect(results.memory?.peakMiB).toBeGreaterThan(0)
  })

  it('prints its progress and each target, and writes the JSON, both charts and a report naming every path and target', () => {
    expect(stdout).toMatch(/^vecpods bench \(short\): 2,000 rows × 3 pods, 20 queries/m)
    expect(stdout).toMatch(/^ {4}exact bench_a: 20 in [\d.]+ s$/m)
    const targets = checkTargets(results)
    for (const t of targets) expect(stdout).toContain(`${t.met ? 'met   ' : 'MISSED'}  ${t.target}: ${t.measured}`)
    for (const file of ['results.json', 'latency-recall.svg', 'throughput.svg', 'report.md']) expect(existsSync(join(outDir, file)), file).toBe(true)
    for (const chart of ['latency-recall.svg', 'throughput.svg']) {
      expect(readFileSync(join(outDir, chart), 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    }
    const report = readFileSync(join(outDir, 'report.md'), 'utf8')
    for (const p of results.paths) expect(report).toContain(p.label)
    for (const t of targets) expect(report).toContain(t.target)
  })
})
