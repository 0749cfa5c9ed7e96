import * as Plot from '@observablehq/plot'
import { JSDOM } from 'jsdom'
import type { BenchResults } from './bench.ts'

const SVG_NS = 'http://www.w3.org/2000/svg'

/**
 * Renders a chart as a standalone SVG file's text. Title and subtitle are drawn as text marks
 * (Plot's own would wrap the SVG in an HTML figure); lines are labelled, not given a legend.
 */
function render({ title, subtitle, marks = [], ...options }: Plot.PlotOptions & { title: string; subtitle: string }): string {
  const { document } = new JSDOM('').window
  const heading = [
    Plot.text([title], { frameAnchor: 'top-left', dx: -50, dy: -52, fontSize: 14, fontWeight: 'bold', textAnchor: 'start' }),
    Plot.text([subtitle], { frameAnchor: 'top-left', dx: -50, dy: -34, fontSize: 11, fill: '#555', textAnchor: 'start' }),
  ]
  const svg = Plot.plot({
    ...options,
    marginTop: 64,
    marginLeft: 60,
    marks: [...heading, ...marks],
    document,
    style: { background: 'white' },
  }) as unknown as Element
  svg.setAttribute('xmlns', SVG_NS)
  return `${svg.outerHTML}\n`
}

/** p50 latency against recall@10 while ef_search grows, for SQL on the pod and the edge route. */
export function latencyRecallChart(results: BenchResults): string {
  const points = results.efSweep.map((p) => ({ ...p, name: p.path === 'pod-sql' ? 'SQL on the pod' : 'Edge, vector given' }))
  const ends = [...new Map(points.map((p) => [p.name, p])).values()]
  return render({
    title: `p50 latency against recall@10, hnsw.ef_search ${results.efSweep
      .map((p) => p.efSearch)
      .filter((v, i, a) => a.indexOf(v) === i)
      .join(' / ')}`,
    subtitle: `${results.data.rowsPerPod.toLocaleString('en')} rows of ${results.data.dims} dims, concurrency 1`,
    width: 720,
    height: 420,
    marginRight: 130,
    grid: true,
    x: { label: 'recall@10 →', domain: [Math.min(...points.map((p) => p.recall), 0.9), 1] },
    y: { label: 'p50 latency (ms)', labelAnchor: 'center', zero: true },
    color: { type: 'categorical' },
    marks: [
      Plot.line(points, { x: 'recall', y: 'p50', stroke: 'name', sort: 'efSearch' }),
      Plot.dot(points, { x: 'recall', y: 'p50', fill: 'name' }),
      Plot.text(points, { x: 'recall', y: 'p50', text: (d: { efSearch: number }) => `ef ${d.efSearch}`, dy: -9, fontSize: 9 }),
      Plot.text(ends, { x: 'recall', y: 'p50', text: 'name', fill: 'name', textAnchor: 'start', dx: 8 }),
    ],
  })
}

/** Requests per second at each concurrency, one line per path. */
export function throughputChart(results: BenchResults): string {
  const rows = results.paths.flatMap((p) => p.runs.map((r) => ({ name: p.label, concurrency: r.concurrency, throughput: r.throughput })))
  const last = Math.max(...rows.map((r) => r.concurrency))
  const top = Math.max(...rows.map((r) => r.throughput))
  // Labels stacked evenly down the right margin, in the order of the lines' ends, each joined to its line.
  const ends = rows.filter((r) => r.concurrency === last).sort((a, b) => b.throughput - a.throughput)
  const labels = ends.map((r, i) => ({ ...r, labelY: top * (1 - i / Math.max(ends.length, 1)) }))
  return render({
    title: 'Throughput against concurrency (closed loop, all on one machine)',
    subtitle: `${results.machine.cpus} CPUs shared by the load generator and the whole stack`,
    width: 900,
    height: 460,
    marginRight: 350,
    grid: true,
    x: { type: 'log', label: 'concurrent requests →', ticks: [...new Set(rows.map((r) => r.concurrency))], tickFormat: 'd' },
    y: { label: 'requests per second', labelAnchor: 'center', zero: true, domain: [0, top * 1.05] },
    marks: [
      Plot.line(rows, { x: 'concurrency', y: 'throughput', stroke: 'name', marker: 'circle' }),
      Plot.link(labels, { x1: 'concurrency', y1: 'throughput', x2: 'concurrency', y2: 'labelY', stroke: 'name', strokeOpacity: 0.4, dx: 4, clip: false }),
      Plot.text(labels, {
        x: 'concurrency',
        y: 'labelY',
        text: (d: { name: string; throughput: number }) => `${d.name} (${d.throughput.toFixed(0)}/s)`,
        fill: 'name',
        textAnchor: 'start',
        dx: 10,
        fontSize: 10,
      }),
    ],
  })
}
