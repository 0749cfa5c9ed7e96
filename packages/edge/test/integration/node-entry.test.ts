import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { repoRoot } from '@vecpods/registry/node'
import { adminSql, type ProjectEndpoints, stackEndpoints, stackEnvironment, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The Node entry (`pnpm edge:node`) serves the same app as the Deno function.
const opts = stackOptions(process.env, () => {})
const port = 8797
const base = `http://127.0.0.1:${port}/vector-search`
const run = `node-${Date.now().toString(36)}`
let child: ChildProcess
let primary: ProjectEndpoints
let output = ''

const call = (method: string, path: string, body: unknown, key: string) =>
  fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })

beforeAll(async () => {
  primary = (await stackEndpoints(opts)).find((e) => e.project === 'primary')!
  const env = { ...process.env, ...(await stackEnvironment(opts)), PORT: String(port), VECPODS_ENV_FILE: '/nonexistent' }
  child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'packages/edge/src/node.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const started = Date.now()
  while (!output.includes('vector-search on Node')) {
    if (child.exitCode !== null || Date.now() - started > 30_000) throw new Error(`the Node entry did not start:\n${output}`)
    await new Promise((r) => setTimeout(r, 100))
  }
})

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM')
    await once(child, 'exit')
  }
  const sql = adminSql((await stackEndpoints(opts)).find((e) => e.project === 'pod_a')!.dbUrl)
  await sql`delete from vecs.docs where metadata @> ${sql.json({ run })}`
  await sql.end()
})

describe('the Node entry', () => {
  it('announces its URL and embedder, and reports every pod healthy', async () => {
    expect(output).toContain(`http://127.0.0.1:${port}/vector-search  embedder vecpods/static-384 (static)`)
    const res = await fetch(`${base}/health`, { headers: { authorization: `Bearer ${primary.keys.anonKey}` } })
    expect(res.status).toBe(200)
    expect(Object.keys(((await res.json()) as { pods: object }).pods).sort()).toEqual(['pod_a', 'pod_b', 'pod_c'])
  })

  it('upserts text and finds it with a text query', async () => {
    const up = await call(
      'POST',
      '/collections/docs/records',
      {
        records: [
          { id: `${run}-1`, text: 'Connection pooling keeps database connections open between requests', metadata: { run } },
          { id: `${run}-2`, text: 'Image thumbnails are resized on upload', metadata: { run } },
        ],
      },
      primary.keys.serviceRoleKey,
    )
    expect(up.status).toBe(200)
    const res = await call(
      'POST',
      '/search',
      { collection: 'docs', query: 'pooled database connections', filters: { run: { $eq: run } } },
      primary.keys.anonKey,
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: { id: string }[] }
    expect(body.data.map((h) => h.id)).toEqual([`${run}-1`, `${run}-2`])
  })

  it('stops cleanly on SIGTERM', async () => {
    child.kill('SIGTERM')
    const [code] = (child.exitCode === null ? await once(child, 'exit') : [child.exitCode]) as [number]
    expect(code).toBe(0)
  })
})
