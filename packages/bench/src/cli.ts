import { existsSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { repoRoot } from '@vecpods/registry/node'
import { MultiBar, Presets } from 'cli-progress'
import { type BenchResults, type BenchUi, cleanBench, runBench } from './bench.ts'
import { benchOptions, DEFAULT_OUT_DIR } from './options.ts'
import { checkTargets } from './report.ts'
import { BENCHMARKS_MD, writeResults } from './write.ts'

const HELP = `Usage: pnpm bench [options]

Measures every way to search a pod collection on the local stack (started if needed): SQL on the
pod, PostgREST RPC on the pod, the edge function with a vector and with text, the primary's
foreign table, and a fan-out over three pods. Writes benchmarks/results.json, the charts and the
generated part of BENCHMARKS.md.

  --short         smoke run for CI: 2,000 rows per pod, few requests; writes to .vecpods/bench-short/
  --large         1,000,000 rows per pod instead of 100,000 (about 10× the load and build time)
  --rows N        rows per pod
  --queries N     query vectors (recall is averaged over them)
  --reload        generate the data again even if the tables already hold it
  --out DIR       write the results there (BENCHMARKS.md is only updated for the default directory)
  --clean         empty the bench collections and exit
  --render        rewrite the charts and BENCHMARKS.md from benchmarks/results.json (with --out:
                  that directory's results.json and report.md), measuring nothing
  -h, --help      this text`

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    large: { type: 'boolean', default: false },
    rows: { type: 'string' },
    queries: { type: 'string' },
    reload: { type: 'boolean', default: false },
    out: { type: 'string' },
    clean: { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text.replaceAll('_', ''))
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got "${text}"`)
    process.exit(2)
  }
  return n
}

if (values.help) {
  console.log(HELP)
  process.exit(0)
}
if (values.clean) {
  await cleanBench()
  process.exit(0)
}
if (values.render) {
  const dir = values.out ? resolve(values.out) : DEFAULT_OUT_DIR
  const file = join(dir, 'results.json')
  if (!existsSync(file)) {
    console.error(`${relative(repoRoot, file)} does not exist: run \`pnpm bench\` first`)
    process.exit(1)
  }
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults
  const written = writeResults(results, dir, dir === DEFAULT_OUT_DIR ? BENCHMARKS_MD : undefined)
  console.log(`Wrote ${written.map((p) => relative(repoRoot, p)).join(', ')} from ${relative(repoRoot, file)}`)
  process.exit(0)
}
if (values.short && values.large) {
  console.error('--short and --large exclude each other')
  process.exit(2)
}

const rows = positive('rows', values.rows) ?? (values.large ? 1_000_000 : undefined)
const queries = positive('queries', values.queries)
const options = benchOptions(values.short ? 'short' : 'full', {
  ...(rows ? { rows } : {}),
  ...(queries ? { queries, filteredQueries: Math.min(queries, 100) } : {}),
  reload: values.reload,
  ...(values.out ? { outDir: values.out, updateMarkdown: false } : {}),
})

/** Live bars on a terminal; one line per finished phase otherwise (CI logs). */
function terminalUi(): { ui: BenchUi; stop(): void } {
  if (!process.stderr.isTTY) {
    // A line every 10 s of a long phase, and one when it ends.
    return {
      ui: {
        log: (line) => console.log(line),
        phase(label, total) {
          const started = performance.now()
          let done = 0
          let shown = started
          return {
            tick: (n = 1) => {
              done += n
              const now = performance.now()
              if (now - shown >= 10_000 && done < total) {
                shown = now
                console.log(`    ${label}: ${done}/${total}…`)
              }
            },
            done: () => console.log(`    ${label}: ${total} in ${((performance.now() - started) / 1000).toFixed(1)} s`),
          }
        },
      },
      stop: () => {},
    }
  }
  const bars = new MultiBar(
    { format: '  {label} [{bar}] {value}/{total} {eta_formatted}', hideCursor: true, clearOnComplete: true, etaBuffer: 50 },
    Presets.shades_classic,
  )
  return {
    ui: {
      log: (line) => bars.log(`${line}\n`),
      phase(label, total) {
        const bar = bars.create(total, 0, { label: label.padEnd(24) })
        return { tick: (n = 1) => bar.increment(n), done: () => bars.remove(bar) }
      },
    },
    stop: () => bars.stop(),
  }
}

const { ui, stop } = terminalUi()
try {
  const results = await runBench(options, ui)
  stop()
  const written = writeResults(results, options.outDir, options.updateMarkdown ? BENCHMARKS_MD : undefined)
  console.log(options.mode === 'short' ? '\nTargets (a --short run: 2,000 rows per pod, few requests; these verdicts mean nothing)' : '\nTargets')
  for (const t of checkTargets(results)) console.log(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.target}: ${t.measured}`)
  console.log(`\nWrote ${written.map((p) => relative(repoRoot, p)).join(', ')} (${results.durationSeconds} s)`)
  console.log('The bench data stays in bench_a, bench_b and bench_c for the next run; `pnpm bench --clean` empties them.')
  process.exit(0)
} catch (error) {
  stop()
  console.error(`\npnpm bench failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
