import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrationsDir, OVERLAY_EPOCH } from '@vecpods/codegen'
import { describe, expect, it } from 'vitest'
import {
  adminSql,
  type ComponentStatus,
  down,
  MigrationChangedError,
  migrate,
  PortInUseError,
  portIsFree,
  stackEndpoints,
  stackOptions,
  status,
  up,
} from '../../src/index.ts'

const pids = (rows: ComponentStatus[]) => rows.map((r) => `${r.project}/${r.component}:${r.detail ?? ''}`)

describe('stack lifecycle', () => {
  it('`up` on a running stack starts nothing and changes nothing', async () => {
    const lines: string[] = []
    const opts = stackOptions(process.env, (l) => lines.push(l))
    const before = await status(opts)
    expect(before.every((c) => c.running)).toBe(true)
    await up(opts)
    expect(lines).toEqual([])
    expect(pids(await status(opts))).toEqual(pids(before))
  })

  it('`down` stops every process it started, and data survives down and up', async () => {
    const opts = stackOptions(process.env, () => {})
    const podB = (await stackEndpoints(opts)).find((e) => e.project === 'pod_b')!
    const id = `lifecycle-${Date.now().toString(36)}`
    let sql = adminSql(podB.dbUrl)
    await sql`insert into vecs.posts (id, vec, metadata) values (${id}, array_fill(0.5, array[384])::extensions.vector, '{"year": 2024}')`
    await sql.end()

    const stopped = await down(opts)
    // The reverse of the start order: dependents first, the pods' databases last.
    expect(stopped).toEqual([
      'functions',
      'gateway',
      'pod_c PostgREST',
      'pod_b PostgREST',
      'pod_a PostgREST',
      'primary PostgREST',
      'pod_a/r1 postgres',
      'primary postgres',
      'pod_c postgres',
      'pod_b postgres',
      'pod_a postgres',
    ])
    const after = await status(opts)
    expect(after.filter((c) => c.running)).toEqual([])
    for (const [, ports] of opts.ports) {
      expect(await portIsFree(ports.api)).toBe(true)
      expect(await portIsFree(ports.db)).toBe(true)
      expect(await portIsFree(ports.postgrest)).toBe(true)
    }
    expect(await down(opts)).toEqual([])

    await up(opts)
    expect((await status(opts)).every((c) => c.running)).toBe(true)
    sql = adminSql(podB.dbUrl)
    const rows = await sql`select metadata from vecs.posts where id = ${id}`
    await sql`delete from vecs.posts where id = ${id}`
    await sql.end()
    expect(rows).toEqual([{ metadata: { year: 2024 } }])
  })

  it('a port already in use fails fast with a message naming it, before anything starts', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'vecpods-ports-'))
    // Below Linux's ephemeral range (32768–60999): a client socket of the suites running beside this
    // one could otherwise hold another of its ports by chance (CI saw 56522 taken that way).
    const shared = Number(process.env.VECPODS_PORT_BASE ?? 54321)
    const base = Math.abs(shared - 21321) < 1000 ? 18321 : 21321
    const env = { ...process.env, VECPODS_STATE_DIR: stateDir, VECPODS_PORT_BASE: String(base), VECPODS_ENV_FILE: join(stateDir, 'env') }
    const opts = stackOptions(env, () => {})
    const blocker: Server = createServer()
    await new Promise<void>((r) => blocker.listen(base + 101, '127.0.0.1', r))
    try {
      const started = Date.now()
      const error = await up(opts).catch((e: unknown) => e)
      expect(Date.now() - started).toBeLessThan(5000)
      expect(error).toBeInstanceOf(PortInUseError)
      expect((error as Error).message).toMatch(new RegExp(`^port ${base + 101} \\(pod_a database\\) is already in use by another process`))
      expect(existsSync(join(stateDir, 'data', 'primary', 'PG_VERSION'))).toBe(false)
      expect(readdirSync(join(stateDir, 'run'))).toEqual([])
      expect(existsSync(opts.envFile)).toBe(false)
    } finally {
      blocker.close()
      // As root the data root may live outside the (private) temp dir, behind a link: remove both.
      rmSync(realpathSync(join(stateDir, 'data')), { recursive: true, force: true })
      rmSync(stateDir, { recursive: true, force: true })
    }
  })
})

describe('migrations', () => {
  it('apply once: a second run changes nothing', async () => {
    const opts = stackOptions(process.env, () => {})
    const podA = (await stackEndpoints(opts)).find((e) => e.project === 'pod_a')!
    const sql = adminSql(podA.dbUrl)
    try {
      const dir = join(opts.root, migrationsDir('pod_a'))
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.sql'))
        .sort()
      expect(files).toEqual(['20261125000000_vecpods_setup.sql', '20261125000100_create_collection_docs.sql', '20261125000500_create_collection_notes.sql'])
      const again = await migrate(sql, dir)
      expect(again).toEqual({ applied: [], reapplied: [], unchanged: files.length })
      const versions = await sql`select version, name from supabase_migrations.schema_migrations order by version`
      const shipped = versions.filter((v) => Number(v.version) < OVERLAY_EPOCH && files.some((f) => f.startsWith(v.version)))
      expect(shipped).toEqual(files.map((f) => ({ version: f.slice(0, 14), name: f.slice(15, -4) })))
      // The benchmark's overlay adds its collection in the overlay range, never in the shipped files.
      expect(versions).toContainEqual({ version: String(OVERLAY_EPOCH + 100), name: 'create_collection_bench_a' })
    } finally {
      await sql.end()
    }
  })

  it('refuse a hand-written migration that changed after it was applied', async () => {
    const opts = stackOptions(process.env, () => {})
    const primary = (await stackEndpoints(opts)).find((e) => e.project === 'primary')!
    const dir = mkdtempSync(join(tmpdir(), 'vecpods-mig-'))
    mkdirSync(dir, { recursive: true })
    const file = join(dir, '29991231000000_it_probe.sql')
    const sql = adminSql(primary.dbUrl)
    try {
      writeFileSync(file, 'create table if not exists public.it_probe (n int);')
      expect((await migrate(sql, dir)).applied).toEqual(['29991231000000_it_probe.sql'])
      writeFileSync(file, 'create table if not exists public.it_probe (n bigint);')
      await expect(migrate(sql, dir)).rejects.toBeInstanceOf(MigrationChangedError)
    } finally {
      await sql`drop table if exists public.it_probe`
      await sql`delete from supabase_migrations.schema_migrations where version = '29991231000000'`
      await sql.end()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
