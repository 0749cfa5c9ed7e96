import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { repoRoot } from '@vecpods/registry/node'
import { type StackOptions, stackEnvironment } from '@vecpods/stack'

/** An edge function of the eval's own (the Node entry) with one embedder, on its own port. */
export interface EvalEdge {
  base: string
  key: string
  stop(): Promise<void>
}

export async function startEdge(opts: StackOptions, env: Record<string, string>, port: number): Promise<EvalEdge> {
  const stackEnv = await stackEnvironment(opts)
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'packages/edge/src/node.ts')], {
    env: { ...process.env, ...stackEnv, ...env, PORT: String(port), VECPODS_ENV_FILE: '/nonexistent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const deadline = Date.now() + 60_000
  while (!output.includes('vector-search on Node')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the eval's edge function did not start:\n${output}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    base: `http://127.0.0.1:${port}/vector-search`,
    key: stackEnv.SUPABASE_SERVICE_ROLE_KEY!,
    stop: async () => {
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}

/** A search through an edge, its hits with metadata. */
export async function searchEdge(edge: { base: string; key: string }, body: Record<string, unknown>) {
  const res = await fetch(`${edge.base}/search`, {
    method: 'POST',
    headers: { apikey: edge.key, authorization: `Bearer ${edge.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const json = (await res.json()) as { data?: Array<{ id: string; score: number; metadata?: Record<string, unknown> }>; error?: { message: string } }
  if (!res.ok || !json.data) throw new Error(`search ${JSON.stringify(body).slice(0, 120)} failed: ${res.status} ${json.error?.message}`)
  return json.data
}
