import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { denoBinary, stackEnvironment, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVectorClient } from '../../src/index.ts'

// The package README's examples, run as a reader would run them, against the real stack.
const opts = stackOptions(process.env, () => {})
const examples = join(import.meta.dirname, '..', '..', 'examples')
const marker = `examples-${Date.now().toString(36)}`
let env: Record<string, string | undefined>
let service: ReturnType<typeof createVectorClient>

beforeAll(async () => {
  env = { ...process.env, ...(await stackEnvironment(opts)), NO_COLOR: '1' }
  service = createVectorClient({ url: env.SUPABASE_URL!, key: env.SUPABASE_SERVICE_ROLE_KEY! }).throwOnError()
  await service.upsert('docs', [{ id: marker, text: 'marmalade kangaroo', metadata: { marker } }])
})

afterAll(async () => {
  await service.delete('docs', { ids: [marker] })
})

describe('SDK examples', () => {
  it('the Node script upserts with progress and finds the right note', () => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', join(examples, 'node-ingest.ts'), 'query a table that lives in another database'], {
      env,
      encoding: 'utf8',
    })
    expect(out.stderr).toBe('')
    const lines = out.stdout.trim().split('\n')
    expect(lines.slice(0, 2)).toEqual(['upserted 2/4 (batch 1/2)', 'upserted 4/4 (batch 2/2)'])
    expect(lines[2]).toMatch(/^\d\.\d{3} {2}example-\d+-1 {2}\/notes\/1$/)
    expect(lines.at(-1)).toBe('model vecpods/static-384 (static)')
  })

  it('the Deno script searches through the edge function', () => {
    const out = spawnSync(
      denoBinary(opts),
      ['run', '--allow-net', '--allow-env', '--config', join(examples, 'deno.json'), join(examples, 'deno-search.ts'), 'marmalade kangaroo'],
      { env: { ...env, DENO_DIR: join(opts.stateDir, 'deno') }, encoding: 'utf8' },
    )
    expect(out.status, out.stderr).toBe(0)
    const lines = out.stdout.trim().split('\n')
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line).toMatch(/^-?\d\.\d{3} {2}(docs|posts)\/\S+$/)
    expect(lines[0]).toContain(`docs/${marker}`)
  })

  it('two users signed in each find only their own notes, through the edge and the primary', () => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', join(examples, 'two-users.ts')], { env, encoding: 'utf8' })
    expect(out.stderr).toBe('')
    expect(out.stdout.trim().split('\n')).toEqual(["ada: search ada; from('notes') ada", "grace: search grace; from('notes') grace"])
  })
})
