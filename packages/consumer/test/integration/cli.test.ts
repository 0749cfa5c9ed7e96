import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '@vecpods/registry/node'
import { adminSql, denoBinary, freshSupabaseDatabase, loadSecrets, stackEnvironment, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exec, freePort, npm, packPublished, waitFor } from '../../src/index.ts'

// `npx vecpods init` and `deploy` as a user runs them: the CLI packed and installed with npm into
// a Supabase project made by `supabase init` outside the workspace; deploy pushes to fresh
// databases on the stack's primary and pod_a clusters (as a new Supabase project has them), and
// the function init vendored runs on Deno against them.
const opts = stackOptions(process.env, () => {})
const work = mkdtempSync(join(tmpdir(), 'vecpods-cli-'))
const app = join(work, 'app')
const db = `vecpods_app_${Date.now().toString(36)}`
const supabaseCli = join(repoRoot, 'node_modules', '.bin', 'supabase')
const created: string[] = []
let env: Record<string, string>
let tarball: string
let fn: ChildProcess | undefined
/** The vendored function's URL, once it runs. */
let base = ''

// The README's commands as written: `npx vecpods …`, with the Supabase CLI on PATH (the workspace's).
const PATH = `${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH}`
const vecpods = (args: string[], extra: Record<string, string> = {}) => npm(app, ['vecpods', ...args], { ...process.env, PATH, NO_COLOR: '1', ...extra }, 'npx')

async function freshDatabase(adminUrl: string): Promise<string> {
  const url = await freshSupabaseDatabase(adminUrl, db)
  created.push(adminUrl)
  // The Supabase CLI calls a local database on a non-default port "remote" and demands TLS.
  return `${url}?sslmode=disable`
}

beforeAll(async () => {
  env = await stackEnvironment(opts)
  tarball = packPublished(work, ['cli']).get('cli')!
  mkdirSync(app)
  await exec(supabaseCli, ['init', '--yes'], { cwd: app, env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1' } })
  // The team's own migration, older than vecpods (`supabase init` makes no migrations folder).
  mkdirSync(join(app, 'supabase', 'migrations'))
  writeFileSync(join(app, 'supabase', 'migrations', '20250101000000_notes.sql'), 'create table public.notes (id int primary key);\n')
  writeFileSync(join(app, 'package.json'), '{ "name": "my-supabase-app", "private": true }\n')
  await npm(app, ['install', '--save-dev', '--no-audit', '--no-fund', '--loglevel=error', tarball])
}, 240_000)

afterAll(async () => {
  fn?.kill('SIGKILL')
  for (const adminUrl of created) {
    const admin = adminSql(adminUrl)
    await admin.unsafe(`drop database if exists "${db}" with (force)`).finally(() => admin.end())
  }
  rmSync(work, { recursive: true, force: true })
})

describe('npx vecpods, in a Supabase project of its own', () => {
  it('the tarball holds the command, the function bundle and nothing of the workspace; publint is clean', async () => {
    const files = (await exec('tar', ['-tzf', tarball], { cwd: work })).trim().split('\n').sort()
    expect(files).toEqual([
      'package/LICENSE',
      'package/README.md',
      'package/dist/cli.mjs',
      'package/dist/function/imports.json',
      'package/dist/function/vecpods-edge.js',
      'package/package.json',
    ])
    // vecpods' own packages are inlined by the build: what npm installs is third-party only.
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'vecpods', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['commander', 'csv-parse', 'postgres', 'zod'])
    expect(JSON.stringify(manifest)).not.toContain('workspace:')
    expect(await exec('pnpm', ['exec', 'publint', 'run', tarball, '--strict'], { cwd: repoRoot })).toContain('All good!')
    expect(await vecpods(['--help'])).toMatch(/init[\s\S]*gen[\s\S]*deploy/)
  })

  it('init adds the registry, the function and migrations after the project’s own, keeps its files, and a second run changes nothing', async () => {
    const toml = readFileSync(join(app, 'supabase', 'config.toml'), 'utf8')
    const first = await vecpods(['init'])
    expect(first).toContain('created  vecpods.config.json (pod "pod_a", collection "docs")')
    expect(first).toContain('created  supabase/functions/vector-search/index.ts')
    expect(first).toContain('kept     supabase/config.toml')
    expect(readFileSync(join(app, 'supabase', 'config.toml'), 'utf8')).toBe(toml)
    const migrations = readdirSync(join(app, 'supabase', 'migrations')).sort()
    expect(migrations[0]).toBe('20250101000000_notes.sql')
    expect(migrations.slice(1).map((f) => f.slice(15))).toEqual(['vecpods_setup.sql', 'foreign_table_docs.sql'])
    expect(existsSync(join(app, 'supabase/pods/pod_a/supabase/migrations'))).toBe(true)

    const again = await vecpods(['init'])
    expect(again).toContain('kept     vecpods.config.json (already there)')
    expect(again).toMatch(/8 files up to date \(0 changed\)/)
    expect(await vecpods(['gen'])).toMatch(/8 files up to date \(0 changed\)/)
    expect(await vecpods(['gen', '--check'])).toContain('generated files match the registry')
    // A registry edit: a second pod with a collection of its own gets its project and migrations.
    const config = JSON.parse(readFileSync(join(app, 'vecpods.config.json'), 'utf8')) as { pods: Record<string, unknown>; collections: Record<string, unknown> }
    config.pods.pod_b = { transport: 'sql' }
    config.collections.guides = { pod: 'pod_b', dims: 384, measure: 'cosine', access: 'public' }
    writeFileSync(join(app, 'vecpods.config.json'), JSON.stringify(config, null, 2))
    expect(await vecpods(['gen', '--check']).catch((e: Error) => e.message)).toMatch(
      /missing .*create_collection_guides\.sql[\s\S]*out of date; run `npx vecpods gen`/,
    )
    expect(await vecpods(['gen'])).toMatch(/created +supabase\/pods\/pod_b\/supabase\/migrations\/\d{14}_create_collection_guides\.sql/)
  })

  it('deploy --dry-run prints the plan with secrets masked; deploy pushes pods then the primary and connects them', async () => {
    const primaryUrl = await freshDatabase(env.SUPABASE_DB_URL!)
    const podUrl = await freshDatabase(env.VECPODS_POD_A_DB_URL!)
    const podBUrl = await freshDatabase(env.VECPODS_POD_B_DB_URL!)
    // The stack's own logins for the pods' vecpods_fdw (a role is per cluster): deploy keeps them.
    const secrets = loadSecrets(opts.stateDir, opts.projects)
    writeFileSync(
      join(app, '.env.vecpods'),
      [
        `SUPABASE_DB_URL=${primaryUrl}`,
        `VECPODS_POD_A_DB_URL=${podUrl}`,
        `VECPODS_POD_B_DB_URL=${podBUrl}`,
        `VECPODS_POD_A_FDW_PASSWORD=${secrets.pod_a!.fdwPassword}`,
        `VECPODS_POD_B_FDW_PASSWORD=${secrets.pod_b!.fdwPassword}`,
        '',
      ].join('\n'),
    )
    const plan = await vecpods(['deploy', '--dry-run'])
    expect(plan).toContain('6 steps (dry run: nothing runs)')
    expect(plan).not.toContain(new URL(podUrl).password)
    expect(plan).toMatch(
      /1\. push pod_a's migrations[\s\S]*2\. push pod_b's migrations[\s\S]*3\. push primary's migrations[\s\S]*4\. connect the primary to pod_a[\s\S]*5\. connect the primary to pod_b[\s\S]*6\. skip function secrets/,
    )

    const out = await vecpods(['deploy'])
    expect(out).toContain('vecpods deploy: done')
    expect(out).toMatch(/Applying migration \d{14}_create_collection_docs\.sql/)
    expect(out).toContain('Applying migration 20250101000000_notes.sql')
    // A second deploy finds nothing to push.
    expect(await vecpods(['deploy'])).toMatch(/database is up to date[\s\S]*database is up to date/)
  })

  it('the vendored function serves writes and searches against the deployed pod, and the primary reads them through its foreign table', async () => {
    const port = await freePort()
    base = `http://127.0.0.1:${port}/vector-search`
    // A Deno cache of its own, empty, as on a machine that never ran the function: its npm imports
    // are fetched first, so a failure to resolve them shows here with Deno's own message.
    const denoDir = join(work, 'deno')
    const entry = 'supabase/functions/vector-search/index.ts'
    await exec(denoBinary(opts), ['install', '--entrypoint', entry], {
      cwd: app,
      env: { ...process.env, DENO_DIR: denoDir, NO_COLOR: '1' },
      timeoutMs: 120_000,
    })
    // Outside Supabase's edge runtime there is no built-in gte-small: vector queries and full text only.
    fn = spawn(denoBinary(opts), ['run', '--allow-net', '--allow-env', '--allow-read', entry], {
      cwd: app,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DENO_DIR: denoDir,
        NO_COLOR: '1',
        PORT: String(port),
        VECPODS_EMBEDDER: 'none',
        SUPABASE_DB_URL: env.SUPABASE_DB_URL!.replace(/\/postgres$/, `/${db}`),
        VECPODS_POD_A_DB_URL: env.VECPODS_POD_A_DB_URL!.replace(/\/postgres$/, `/${db}`),
        VECPODS_POD_B_DB_URL: env.VECPODS_POD_B_DB_URL!.replace(/\/postgres$/, `/${db}`),
        SUPABASE_JWT_SECRET: env.VECPODS_JWT_SECRET!,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    fn.stderr!.on('data', (d) => (stderr += d))
    // Up, or exited (then its stderr says why).
    const exited = new Promise<never>((_, reject) => fn!.once('exit', (code) => reject(new Error(`the function exited (${code})`))))
    await Promise.race([waitFor(`${base}/health`, 45_000), exited]).catch((e: Error) => {
      throw new Error(`${e.message}\n${stderr}`)
    })
    const key = env.SUPABASE_SERVICE_ROLE_KEY!
    const headers = { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' }
    const unit = (i: number) => Array.from({ length: 384 }, (_, j) => (j === i ? 1 : 0.01))
    const write = await fetch(`${base}/collections/docs/records`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        records: [
          { id: 'intro', vector: unit(1), metadata: { title: 'Introduction', text: 'pods keep vector collections apart' } },
          { id: 'setup', vector: unit(2), metadata: { title: 'Setup', text: 'run supabase init, then vecpods init' } },
        ],
      }),
    })
    expect(write.status, await write.clone().text()).toBe(200)
    const anon = { ...headers, apikey: env.SUPABASE_ANON_KEY!, authorization: `Bearer ${env.SUPABASE_ANON_KEY}` }
    const byVector = (await (
      await fetch(`${base}/search`, { method: 'POST', headers: anon, body: JSON.stringify({ collection: 'docs', vector: unit(2), limit: 2 }) })
    ).json()) as { data: Array<{ id: string }> }
    expect(byVector.data.map((h) => h.id)).toEqual(['setup', 'intro'])
    const byText = (await (
      await fetch(`${base}/search`, { method: 'POST', headers: anon, body: JSON.stringify({ collection: 'docs', query: 'collections', mode: 'text' }) })
    ).json()) as { data: Array<{ id: string }> }
    expect(byText.data.map((h) => h.id)).toEqual(['intro'])

    const primary = adminSql(env.SUPABASE_DB_URL!.replace(/\/postgres$/, `/${db}`))
    try {
      const rows = await primary<{ id: string; title: string }[]>`select id, title from public.docs order by id`
      expect(rows).toEqual([
        { id: 'intro', title: 'Introduction' },
        { id: 'setup', title: 'Setup' },
      ])
    } finally {
      await primary.end()
    }
  }, 180_000)

  it('import loads a file of vectors straight into the pod (rejects with their line), and refuses text it cannot embed', async () => {
    const unit = (i: number) => Array.from({ length: 384 }, (_, j) => (j === i ? 1 : 0.01))
    const lines = [
      { id: 'imp-1', vector: unit(10), metadata: { title: 'Imported one' } },
      { id: 'imp-2', vector: unit(11), metadata: { title: 'Imported two' } },
      { id: 'imp-3', vector: [1, 2, 3], metadata: {} },
      { id: 'imp-4', vector: unit(12), metadata: { title: 'Imported four' } },
    ]
    writeFileSync(join(app, 'rows.ndjson'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`)
    const out = await vecpods(['import', 'rows.ndjson', '--collection', 'docs'])
    expect(out).toContain('3 rows written, 1 lines rejected')
    const rejects = readFileSync(join(app, 'rows.ndjson.rejects.ndjson'), 'utf8')
    expect(rejects).toMatch(/"line":3/)
    const key = env.SUPABASE_ANON_KEY!
    const res = await fetch(`${base}/search`, {
      method: 'POST',
      headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ collection: 'docs', vector: unit(11), limit: 1 }),
    })
    expect(((await res.json()) as { data: Array<{ id: string }> }).data.map((h) => h.id)).toEqual(['imp-2'])

    writeFileSync(join(app, 'text.ndjson'), `${JSON.stringify({ id: 'txt-1', text: 'needs a model' })}\n`)
    const refused = await vecpods(['import', 'text.ndjson', '--collection', 'docs']).then(
      () => 'exit 0',
      (e: Error) => e.message,
    )
    expect(refused).toMatch(/vecpods: the file has records with text and no vector/)
    expect(await vecpods(['import', '--help'])).toMatch(/--collection <name>[\s\S]*--rebuild-index/)
  }, 120_000)

  it('an import ends with a tune, and tune sweeps ef_search on the pod and writes the value into the project’s registry', async () => {
    // 400 random unit vectors: enough rows to measure recall on.
    const random = () => {
      const v = Array.from({ length: 384 }, () => Math.random() - 0.5)
      const n = Math.hypot(...v)
      return v.map((x) => Number((x / n).toFixed(6)))
    }
    const rows = Array.from({ length: 400 }, (_, i) => JSON.stringify({ id: `rnd-${i}`, vector: random(), metadata: { title: `random ${i}` } }))
    writeFileSync(join(app, 'random.ndjson'), `${rows.join('\n')}\n`)
    // The load ends with a tune (--tune always: auto waits for 10,000 rows), which stores its choice.
    const loaded = await vecpods(['import', 'random.ndjson', '--collection', 'docs', '--tune', 'always', '--recall', '0.9'])
    expect(loaded).toContain('400 rows written, 0 lines rejected')
    expect(loaded).toMatch(/tune: docs \(pod \w+, \d+ rows, index m 16, ef_construction 64\), 100 queries, target recall@10 0\.9/)
    expect(loaded).toMatch(/tune: wrote efSearch \d+ for model Supabase\/gte-small for docs/)
    expect(await vecpods(['import', 'random.ndjson', '--collection', 'docs'])).toContain('tune: skipped (400 rows written, under 10,000')
    const out = await vecpods(['tune', 'docs', '--queries', '40', '--recall', '0.9'])
    const sweep = [...out.matchAll(/ef_search +(\d+): recall@10 ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const)
    const [chosen, recall] = sweep.at(-1)!
    expect(recall).toBeGreaterThanOrEqual(0.9)
    expect(out).toContain(`tune: wrote efSearch ${chosen} for model Supabase/gte-small for docs to ${join(app, 'vecpods.config.json')}`)
    const registry = JSON.parse(readFileSync(join(app, 'vecpods.config.json'), 'utf8')) as { collections: { docs: { efSearch: unknown } } }
    expect(registry.collections.docs.efSearch).toEqual({ 'Supabase/gte-small': chosen })
    expect(await vecpods(['gen', '--check'])).toContain('generated files match the registry')
  }, 180_000)

  it('move takes a collection to another pod while it serves, rewrites the registry and migrations, and --finish drops the source copy', async () => {
    const primary = adminSql(env.SUPABASE_DB_URL!.replace(/\/postgres$/, `/${db}`))
    try {
      const count = async () => ((await primary`select count(*)::int as n from public.docs`) as unknown as [{ n: number }])[0].n
      const before = await count()
      expect(before).toBeGreaterThan(400)
      const moved = await vecpods(['move', 'docs', '--to', 'pod_b'])
      expect(moved).toMatch(/verified: \d+ rows, checksum \S+ on both pods/)
      expect(moved).toContain('move docs: switched; `npx vecpods move docs --finish` drops the copy on pod_a')
      const registry = JSON.parse(readFileSync(join(app, 'vecpods.config.json'), 'utf8')) as { collections: { docs: { pod: string } } }
      expect(registry.collections.docs.pod).toBe('pod_b')
      expect(readdirSync(join(app, 'supabase/pods/pod_b/supabase/migrations')).some((f) => f.endsWith('_create_collection_docs.sql'))).toBe(true)
      expect(await vecpods(['gen', '--check'])).toContain('generated files match the registry')
      // The primary's foreign table reads the new pod: the same rows.
      expect(await count()).toBe(before)
      await new Promise((r) => setTimeout(r, 5500)) // --finish waits for edges to follow the switch
      expect(await vecpods(['move', 'docs', '--finish'])).toContain('move docs: finished; the copy on pod_a is dropped, pod_b serves it')
      expect(await count()).toBe(before)
      // The running function follows the placement on the primary: its searches reach pod_b.
      const key = env.SUPABASE_ANON_KEY!
      const res = await fetch(`${base}/search`, {
        method: 'POST',
        headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ collection: 'docs', vector: Array.from({ length: 384 }, (_, j) => (j === 11 ? 1 : 0.01)), limit: 1 }),
      })
      const body = (await res.json()) as { data: Array<{ id: string; pod: string }> }
      expect(body.data.map((h) => [h.id, h.pod])).toEqual([['imp-2', 'pod_b']])

      // eval scores the questions through the function, as the app's users search.
      const questions = [
        { q: 'introduction to collections', collection: 'docs', relevant: ['intro'] },
        { q: 'supabase init', collection: 'docs', relevant: ['setup'] },
      ]
      writeFileSync(join(app, 'questions.json'), JSON.stringify(questions))
      const scored = await vecpods(['eval', 'questions.json', '--url', base, '--modes', 'text,vector'], { SUPABASE_ANON_KEY: key })
      expect(scored).toContain('vecpods eval: 2 questions over 1 collection, top 10')
      expect(scored).toMatch(/docs +text +1\.000 +1\.000 +1\.000 +1\.000/)
      // No embedder outside the edge runtime: the vector mode is reported, not scored.
      expect(scored).toMatch(/docs +vector +not served: 4\d\d \w+/)
    } finally {
      await primary.end()
    }
  }, 180_000)
})
