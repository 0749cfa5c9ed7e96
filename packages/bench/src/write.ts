import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { repoRoot } from '@vecpods/registry/node'
import type { BenchResults } from './bench.ts'
import { latencyRecallChart, throughputChart } from './charts.ts'
import { renderReport, spliceReport } from './report.ts'

export const BENCHMARKS_MD = join(repoRoot, 'BENCHMARKS.md')

/**
 * Writes `results.json` and the two SVG charts into `outDir`, and the report: as `report.md`
 * beside them, or, given `markdown`, as the generated block of that document (BENCHMARKS.md).
 * Returns the paths written.
 */
export function writeResults(results: BenchResults, outDir: string, markdown?: string): string[] {
  mkdirSync(outDir, { recursive: true })
  const files: Array<[string, string]> = [
    [join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`],
    [join(outDir, 'latency-recall.svg'), latencyRecallChart(results)],
    [join(outDir, 'throughput.svg'), throughputChart(results)],
  ]
  if (!markdown) files.push([join(outDir, 'report.md'), renderReport(results, '')])
  else {
    const rel = relative(join(markdown, '..'), outDir)
    const current = existsSync(markdown) ? readFileSync(markdown, 'utf8') : '# Benchmarks\n'
    files.push([markdown, spliceReport(current, renderReport(results, rel ? `${rel}/` : ''))])
  }
  for (const [path, text] of files) writeFileSync(path, text)
  return files.map(([path]) => path)
}
