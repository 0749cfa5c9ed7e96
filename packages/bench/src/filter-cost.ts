#!/usr/bin/env -S npx tsx
// `pnpm bench:cost`: what the costliest filters the public limits allow (registry
// publicLimits.filter) cost the pods, against the same search without a filter, on the demo corpus
// through the running stack with the anon key; and the costly filter of issue 26, which the limits
// refuse. Pod time is read from the pods' own clocks: pg_stat_statements is not installed, so it
// is the difference of medians, end to end, between filtered and unfiltered searches.
import { DEFAULT_FILTER_LIMITS } from '@vecpods/registry'
import { stackEnvironment, stackOptions } from '@vecpods/stack'
import { summarize } from './stats.ts'

const opts = stackOptions(process.env, () => {})
const env = await stackEnvironment(opts)
const url = `${env.SUPABASE_URL}/functions/v1/vector-search/search`
const key = env.SUPABASE_ANON_KEY!
const ROUNDS = Number(process.env.ROUNDS ?? 15)
const { maxComparisons, maxDepth } = DEFAULT_FILTER_LIMITS
/** Conditions one filter may hold at all (the edge's parser, for every caller). */
const CONDITIONS = 64

const values = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}-${'x'.repeat(24)}`)
/** The widest filters within the limits, each a different way to spend them. */
const half = Math.floor(maxComparisons / 2)
const perLevel = Math.max(1, Math.floor((maxComparisons - 1) / maxDepth))
const FILTERS: Record<string, Record<string, unknown>> = {
  'in over 2 keys': { $or: [{ package: { $in: values(Math.min(100, half), 'p') } }, { section: { $in: values(Math.min(100, maxComparisons - half), 's') } }] },
  'or of ranges': { $or: Array.from({ length: Math.min(CONDITIONS - 1, maxComparisons) }, (_, i) => ({ year: { $gte: 3000 + i } })) },
  'or of $ne': { $or: Array.from({ length: Math.min(CONDITIONS - 1, maxComparisons) }, (_, i) => ({ package: { $ne: `p-${i}` } })) },
  'nested and/or': (function nest(d: number): Record<string, unknown> {
    return d === 1
      ? { $or: [{ package: { $in: values(perLevel, `n${d}`) } }, { version: { $gte: '9' } }] }
      : { $or: [nest(d - 1), { package: { $in: values(perLevel, `m${d}`) } }] }
  })(maxDepth),
}

/** When the last request was sent: this benchmark is one anonymous caller, kept under its 20 requests a second. */
let lastSent = 0
async function time(body: Record<string, unknown>): Promise<{ ms: number; status: number }> {
  const wait = lastSent + 60 - performance.now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  lastSent = performance.now()
  const started = performance.now()
  const res = await fetch(url, {
    method: 'POST',
    headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  await res.arrayBuffer()
  return { ms: performance.now() - started, status: res.status }
}

console.log(`bench:cost: public filter limits ${JSON.stringify(DEFAULT_FILTER_LIMITS)}, ${ROUNDS} rounds, medians in ms`)
console.log(`  ${'collection'.padEnd(10)} ${'mode'.padEnd(7)} ${'filter'.padEnd(16)} ${'p50'.padStart(7)} ${'no filter'.padStart(10)} ${'extra'.padStart(7)}`)
let worst = 0
for (const collection of ['docs', 'posts', 'api']) {
  for (const mode of ['vector', 'text', 'hybrid']) {
    const base = { collection, query: 'read a file line by line', mode, limit: 10 }
    await time(base)
    const plain: number[] = []
    for (let i = 0; i < ROUNDS; i++) plain.push((await time(base)).ms)
    const p0 = summarize(plain).p50
    for (const [name, filters] of Object.entries(FILTERS)) {
      const got: number[] = []
      for (let i = 0; i < ROUNDS; i++) {
        const r = await time({ ...base, filters })
        if (r.status !== 200) throw new Error(`${collection} ${mode} ${name}: ${r.status}`)
        got.push(r.ms)
      }
      const p50 = summarize(got).p50
      worst = Math.max(worst, p50 - p0)
      console.log(
        `  ${collection.padEnd(10)} ${mode.padEnd(7)} ${name.padEnd(16)} ${p50.toFixed(1).padStart(7)} ${p0.toFixed(1).padStart(10)} ${(p50 - p0).toFixed(1).padStart(7)}`,
      )
    }
  }
}
const refused = await time({
  collection: 'docs',
  query: 'hello',
  limit: 10,
  filters: { $or: Array.from({ length: 64 }, (_, i) => ({ a: { $in: values(100, `h${i}`) } })) },
})
console.log(
  `bench:cost: worst extra p50 within the limits ${worst.toFixed(1)} ms; issue 26's 64 × 100 $in filter: ${refused.status} in ${refused.ms.toFixed(0)} ms`,
)
