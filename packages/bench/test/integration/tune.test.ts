// `pnpm tune` on a real pod: recall against exact search for a sweep of ef_search, and the value
// it would store, named in the registry file that declares the collection.
import { spawnSync } from 'node:child_process'
import { adminSql, stackEndpoints, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const opts = stackOptions(process.env, () => {})
const run = `tune-${Date.now().toString(36)}`
// A plain collection, and the binary-quantized one (its search re-ranks Hamming candidates: the
// tune measures the pod's own search, so it sees that too). Random vectors are binary
// quantization's hardest case, hence its lower target.
const CASES = [
  { collection: 'bench_b', pod: 'pod_b', target: '0.9' },
  { collection: 'quant_bin_b', pod: 'pod_b', target: '0.6' },
]
const podSql = async (pod: string) => adminSql((await stackEndpoints(opts)).find((e) => e.project === pod)!.dbUrl)

beforeAll(async () => {
  for (const c of CASES) {
    const sql = await podSql(c.pod)
    // 1,500 random unit vectors: hard for HNSW at a small ef_search, so the sweep has steps.
    await sql
      .unsafe(`
        insert into vecs.${c.collection} (id, vec, metadata)
        select '${run}-' || i, (select array_agg(random() - 0.5) from generate_series(1, 384) d where d > -i)::extensions.vector, '{"run": "${run}"}'
        from generate_series(1, 1500) i`)
      .finally(() => sql.end())
  }
})

afterAll(async () => {
  for (const c of CASES) {
    const sql = await podSql(c.pod)
    await sql.unsafe(`delete from vecs.${c.collection} where metadata @> '{"run": "${run}"}'`)
    await sql.unsafe(`vacuum vecs.${c.collection}`).finally(() => sql.end())
  }
})

describe.each(CASES)('pnpm tune $collection', ({ collection: COLLECTION, target }) => {
  it('sweeps ef_search until recall@10 reaches the target and names the value and the registry file', () => {
    const out = spawnSync('pnpm', ['-s', 'tune', COLLECTION, '--dry-run', '--queries', '60', '--recall', target], {
      cwd: opts.root,
      encoding: 'utf8',
      env: process.env,
    })
    expect(out.status, out.stderr + out.stdout).toBe(0)
    const sweep = [...out.stdout.matchAll(/ef_search +(\d+): recall@10 ([\d.]+), p50 ([\d.]+) ms/g)].map((m) => [Number(m[1]), Number(m[2])] as const)
    expect(sweep.length).toBeGreaterThan(0)
    const [lastEf, lastRecall] = sweep.at(-1)!
    expect(lastRecall).toBeGreaterThanOrEqual(Number(target))
    for (const [, recall] of sweep.slice(0, -1)) expect(recall).toBeLessThan(Number(target))
    // The value belongs to the model that filled the collection (bench_b records the stack's).
    expect(out.stdout).toMatch(new RegExp(`tune: efSearch ${lastEf}( for model \\S+)? would be written to`))
    expect(out.stdout).toMatch(/packages\/bench\/bench\.registry\.json \(dry run\)/)
    // Rows as queries overstate recall: the tune starts at the registry default and says why.
    expect(sweep[0]![0]).toBe(160)
    expect(out.stdout).toContain('from ef_search 160: rows of the collection as queries overstate recall')
  }, 120_000)

  it('goes below the default only when told to (--floor)', () => {
    const out = spawnSync('pnpm', ['-s', 'tune', COLLECTION, '--dry-run', '--queries', '60', '--recall', target, '--floor', '10'], {
      cwd: opts.root,
      encoding: 'utf8',
      env: process.env,
    })
    expect(out.status, out.stderr + out.stdout).toBe(0)
    const sweep = [...out.stdout.matchAll(/ef_search +(\d+): recall@10 ([\d.]+)/g)].map((m) => Number(m[1]))
    expect(sweep[0]).toBe(10)
    expect(out.stdout).not.toContain('overstate recall')
  }, 120_000)
})
