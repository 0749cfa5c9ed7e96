#!/usr/bin/env -S npx tsx
// `pnpm bench:memory`: the vector-search function's resident memory under Deno, per embedder, at
// rest, under 8 concurrent searchers, and through one large text upsert, against Supabase's 256 MB.
// Starts its own function process (the stack's local entry) on a spare port beside the running
// stack, reads VmRSS / VmHWM from /proc, and prints a Markdown table.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { denoBinary, embedderEnv, stackEndpoints, stackEnvironment, stackOptions, status, up, writeOfflineModel } from '@vecpods/stack'
import { processMemory } from './context.ts'

const PORT = Number(process.env.VECPODS_MEMORY_PORT ?? 54391)
const opts = stackOptions(process.env, () => {})
const mib = (kb: number) => (kb / 1024).toFixed(0)

function memory(pid: number): { rss: number; hwm: number } {
  const m = processMemory(pid)
  if (!m) throw new Error(`the function (pid ${pid}) is gone`)
  return m
}

async function waitHealthy(base: string, key: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${base}/health`, { headers: { authorization: `Bearer ${key}` } })
      .then((r) => r.ok)
      .catch(() => false)
    if (ok) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`the function on :${PORT} did not become healthy`)
}

/** One embedder's figures: RSS at rest, peak under load, peak through a large upsert. */
async function measure(embedder: 'none' | 'lexical' | 'static', serviceKey: string, heapMiB?: number): Promise<Record<string, string>> {
  const env = {
    ...process.env,
    ...(await stackEnvironment(opts)),
    VECPODS_EMBEDDER: embedder,
    PORT: String(PORT),
    DENO_DIR: join(opts.stateDir, 'deno'),
    NO_COLOR: '1',
  }
  // The offline model this run loads (the stack writes only its own).
  await writeOfflineModel(embedderEnv(opts, env), () => {})
  const fn = join(opts.root, 'supabase', 'functions', 'vector-search')
  const v8 = heapMiB ? [`--v8-flags=--max-old-space-size=${heapMiB}`] : []
  const child = spawn(
    denoBinary(opts),
    ['run', ...v8, '--config', join(fn, 'deno.json'), '--allow-net', '--allow-env', '--allow-read', '--allow-ffi', join(fn, 'local.ts')],
    {
      env,
      stdio: 'ignore',
    },
  )
  const base = `http://127.0.0.1:${PORT}/vector-search`
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  try {
    await waitHealthy(base, serviceKey)
    if (embedder !== 'none') await post('/search', { collection: 'bench_b', query: 'warm up the model' })
    await new Promise((r) => setTimeout(r, 1000))
    const rest = memory(child.pid!)
    // 8 concurrent searchers for 5 s: text through the model, or vectors.
    const until = performance.now() + 5000
    let n = 0
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        while (performance.now() < until) {
          const q = embedder === 'none' ? { vector: Array.from({ length: 384 }, (_, i) => Math.sin(i + n)) } : { query: `how do I search vectors ${w} ${n}` }
          n++
          await (await post('/search', { collection: 'bench_b', limit: 10, ...q })).arrayBuffer()
        }
      }),
    )
    const loaded = memory(child.pid!)
    // One upsert of 500 records of 8,000 characters each (vectors when there is no model).
    const text = 'vector search on postgres pods with hnsw indexes and metadata filters '.repeat(120).slice(0, 8000)
    const records = Array.from({ length: 500 }, (_, i) =>
      embedder === 'none'
        ? { id: `memory-${i}`, vector: Array.from({ length: 384 }, (_, j) => Math.cos(i + j)) }
        : { id: `memory-${i}`, text: `${i} ${text}`.slice(0, 8000) },
    )
    const started = performance.now()
    const res = await post('/collections/bench_b/records', { records })
    const upsertMs = performance.now() - started
    if (!res.ok) throw new Error(`upsert answered ${res.status}: ${await res.text()}`)
    const after = memory(child.pid!)
    await fetch(`${base}/collections/bench_b/records`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: records.map((r) => r.id) }),
    })
    return {
      embedder,
      'V8 old space': heapMiB ? `${heapMiB} MiB` : 'default',
      'at rest (RSS)': `${mib(rest.rss)} MiB`,
      'peak, 8 searchers (VmHWM)': `${mib(loaded.hwm)} MiB (${n} searches)`,
      'peak, upsert of 500 × 8,000 chars (VmHWM)': `${mib(after.hwm)} MiB (${(upsertMs / 1000).toFixed(1)} s)`,
      'RSS after': `${mib(after.rss)} MiB`,
    }
  } finally {
    child.kill('SIGTERM')
  }
}

if (!(await status(opts)).every((c) => c.running)) await up(opts)
const serviceKey = (await stackEndpoints(opts)).find((e) => e.project === 'primary')!.keys.serviceRoleKey
// Without a heap cap V8 grows its heap lazily (nothing presses it here); with one, as in Supabase's
// runtime, the same work shows what it needs.
const rows = [
  await measure('none', serviceKey),
  await measure('none', serviceKey, 64),
  await measure('lexical', serviceKey),
  await measure('lexical', serviceKey, 64),
  await measure('static', serviceKey),
  await measure('static', serviceKey, 64),
]
const columns = Object.keys(rows[0]!)
console.log(`| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|`)
for (const row of rows) console.log(`| ${columns.map((c) => row[c]).join(' | ')} |`)
