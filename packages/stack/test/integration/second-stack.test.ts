import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { adminSql, down, reset, stackOptions, up } from '../../src/index.ts'

// A second stack of its own (state directory, ports, keys) beside the shared one: it runs in the
// "standalone" test project, next to the suites that use the shared stack.
// Ports below Linux's ephemeral range (32768–60999), so no client socket of the first stack can be
// holding one of them by chance, and a thousand away from the first stack's.
const shared = Number(process.env.VECPODS_PORT_BASE ?? 54321)
const SECOND_BASE = Math.abs(shared - 27321) < 1000 ? 24321 : 27321

describe('a second, isolated stack', () => {
  it('runs beside the first on its own ports; `reset` wipes its data but keeps its keys', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'vecpods-reset-'))
    const env = { ...process.env, VECPODS_STATE_DIR: stateDir, VECPODS_PORT_BASE: String(SECOND_BASE), VECPODS_ENV_FILE: join(stateDir, 'env') }
    const opts = stackOptions(env, () => {})
    try {
      const first = await up(opts)
      const podA = first.find((e) => e.project === 'pod_a')!
      expect(podA.apiUrl).toBe(`http://127.0.0.1:${SECOND_BASE + 100}`)
      let sql = adminSql(podA.dbUrl)
      await sql`insert into vecs.docs (id, vec) values ('gone-after-reset', array_fill(0.1, array[384])::extensions.vector)`
      await sql.end()
      // A fresh stack wires the primary's foreign tables to the pods: the row reads through the primary.
      const primary = first.find((e) => e.project === 'primary')!
      const viaPrimary = await fetch(`${primary.apiUrl}/rest/v1/docs?select=id`, { headers: { apikey: primary.keys.anonKey } })
      expect(await viaPrimary.json()).toEqual([{ id: 'gone-after-reset' }])

      const again = await reset(opts)
      expect(again.map((e) => e.keys)).toEqual(first.map((e) => e.keys))
      sql = adminSql(podA.dbUrl)
      const rows = await sql`select id from vecs.docs`
      await sql.end()
      expect(rows).toEqual([])
      const res = await fetch(`${podA.apiUrl}/rest/v1/docs?select=id`, { headers: { apikey: podA.keys.anonKey } })
      expect(res.status).toBe(200)
    } finally {
      await down(opts)
      rmSync(realpathSync(join(stateDir, 'data')), { recursive: true, force: true })
      rmSync(stateDir, { recursive: true, force: true })
    }
  }, 240_000) // two whole stacks' worth of initdb, migrations and starts: slow, not timed, on a busy machine
})
