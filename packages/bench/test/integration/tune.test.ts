// `pnpm tune` on a real pod: recall against exact search for a sweep of ef_search, and the value
// it would store, named in the registry file that declares the collection.
import { spawnSync } from 'node:child_process'
import { adminSql, stackEndpoints, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const opts = stackOptions(process.env, () => {})
const COLLECTION = 'bench_b'
const run = `tune-${Date.now().toString(36)}`
const podSql = async () => adminSql((await stackEndpoints(opts)).find((e) => e.project === 'pod_b')!.dbUrl)

beforeAll(async () => {
  const sql = await podSql()
  // 1,500 random unit vectors: hard for HNSW at a small ef_search, so the sweep has steps.
  await sql
    .unsafe(`
      insert into vecs.${COLLECTION} (id, vec, metadata)
      select '${run}-' || i, (select array_agg(random() - 0.5) from generate_series(1, 384) d where d > -i)::extensions.vector, '{"run": "${run}"}'
      from generate_series(1, 1500) i`)
    .finally(() => sql.end())
})

afterAll(async () => {
  const sql = await podSql()
  await sql.unsafe(`delete from vecs.${COLLECTION} where metadata @> '{"run": "${run}"}'`)
  await sql.unsafe(`vacuum vecs.${COLLECTION}`).finally(() => sql.end())
})

describe('pnpm tune', () => {
  it('sweeps ef_search until recall@10 reaches the target and names the value and the registry file', () => {
    const out = spawnSync('pnpm', ['-s', 'tune', COLLECTION, '--dry-run', '--queries', '60', '--recall', '0.9'], {
      cwd: opts.root,
      encoding: 'utf8',
      env: process.env,
    })
    expect(out.status, out.stderr + out.stdout).toBe(0)
    const sweep = [...out.stdout.matchAll(/ef_search +(\d+): recall@10 ([\d.]+), p50 ([\d.]+) ms/g)].map((m) => [Number(m[1]), Number(m[2])] as const)
    expect(sweep.length).toBeGreaterThan(0)
    const [lastEf, lastRecall] = sweep.at(-1)!
    expect(lastRecall).toBeGreaterThanOrEqual(0.9)
    for (const [, recall] of sweep.slice(0, -1)) expect(recall).toBeLessThan(0.9)
    // The value belongs to the model that filled the collection (bench_b records the stack's).
    expect(out.stdout).toMatch(new RegExp(`tune: efSearch ${lastEf}( for model \\S+)? would be written to`))
    expect(out.stdout).toMatch(/packages\/bench\/bench\.registry\.json \(dry run\)/)
  }, 120_000)
})
