// The dev server `scripts/start.sh` runs serves the app, and none of the checkout's secrets.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '@vecpods/registry/node'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let server: ViteDevServer
let base: string

beforeAll(async () => {
  server = await createServer({ root: join(repoRoot, 'examples', 'web'), logLevel: 'silent', server: { host: '127.0.0.1', port: 0, strictPort: false } })
  await server.listen()
  base = server.resolvedUrls!.local[0]!.replace(/\/$/, '')
})

afterAll(async () => {
  await server?.close()
})

const statusOf = async (path: string) => (await fetch(`${base}${path}`)).status

describe('the demo dev server', () => {
  it('serves the app and the SDK it imports', async () => {
    expect(await statusOf('/')).toBe(200)
    expect(await statusOf('/src/main.ts')).toBe(200)
    expect(await statusOf(`/@fs${join(repoRoot, 'packages/sdk/src/index.ts')}`)).toBe(200)
  })

  it.each([
    '.vecpods/secrets.json',
    '.vecpods/run/gateway.json',
    '.vecpods/run/primary.postgrest.conf',
    '.vecpods/run/pod_a.postgrest.conf',
    '.env.local',
    'vecpods.config.json',
    'packages/stack/src/secrets.ts',
  ])('refuses /@fs/…/%s, however it is asked for', async (file) => {
    expect(await statusOf(`/@fs${join(repoRoot, file)}`)).toBe(403)
    // No variant may return the file: ?raw / ?import, or a path climbing out of the app's root
    // (which the server answers with the app's index.html at most).
    const content = readFileSync(join(repoRoot, file), 'utf8')
    const needle = content.trim().slice(0, 60)
    for (const path of [`/@fs${join(repoRoot, file)}?raw`, `/@fs${join(repoRoot, file)}?import`, `/../../${file}`, `/%2e%2e/%2e%2e/${file}`]) {
      const res = await fetch(`${base}${path}`)
      expect(await res.text(), path).not.toContain(needle)
    }
  })
})
