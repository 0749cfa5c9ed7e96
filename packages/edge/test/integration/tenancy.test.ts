import { createClient } from '@supabase/supabase-js'
import { createVectorClient } from '@vecpods/sdk'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { type Json, sign, type Tenancy, tenancy, type User } from '../tenancy/fixture.ts'

// Rows that belong to someone, on the real stack: the deployed edge function (Deno) over both pod
// transports, the primary's PostgREST (views, foreign tables, RPCs), the SDK and the pods' own APIs.
// Every search of a user must return only that user's rows, and fill its limit from them.
let t: Tenancy
let tokens: Record<string, string>
const COLLECTIONS = ['notes', 'team_docs'] as const
const MODES = [{ mode: 'vector' }, { mode: 'text' }, { mode: 'hybrid' }, { mode: 'vector', mmr: { lambda: 0.5 } }] as const

beforeAll(async () => {
  t = await tenancy('tenancy')
  tokens = Object.fromEntries(await Promise.all(Object.values(t.users).map(async (u) => [u.name, await t.token(u)])))
}, 60_000)

afterAll(async () => {
  await t?.close()
})

const supabaseAs = (bearer: string, url = t.primary.apiUrl, apikey = t.primary.keys.anonKey) =>
  createClient(url, apikey, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: `Bearer ${bearer}` } },
    realtime: { transport: WebSocket as never },
  })

const ids = (hits: Array<{ id: string }>) => hits.map((h) => h.id)
const outside = (found: string[], own: Set<string>) => found.filter((id) => !own.has(id))
const mine = (u: User, c: (typeof COLLECTIONS)[number]) => t.visible(u, c)

describe('per-user rows through the edge function', () => {
  it('each user finds only its own rows, in every mode, on both transports, and fills its limit', async () => {
    for (const u of Object.values(t.users)) {
      for (const collection of COLLECTIONS) {
        for (const m of MODES) {
          const res = await t.fn('/search', tokens[u.name]!, { collection, query: 'apple banana cherry', limit: 10, filters: { run: { $eq: t.run } }, ...m })
          expect(res.status, `${u.name} ${collection} ${JSON.stringify(m)}`).toBe(200)
          const found = ids(res.body.data)
          expect(outside(found, mine(u, collection)), `${u.name} ${collection} ${JSON.stringify(m)}`).toEqual([])
          // Every user has at least 24 rows here; text matches need a query word (each row has 4 of 8).
          expect(found.length, `${u.name} ${collection} ${JSON.stringify(m)}`).toBe(10)
        }
      }
    }
  }, 60_000)

  it('a vector search returns the nearest of the caller’s own rows (exact search over them)', async () => {
    for (const u of [t.users.alice, t.users.bob]) {
      for (const collection of COLLECTIONS) {
        const own = [...mine(u, collection)]
        const query = t.vectors.get(own[3]!)!
        const exact = own
          .map((id) => ({ id, d: 1 - t.vectors.get(id)!.reduce((s, x, i) => s + x * query[i]!, 0) }))
          .sort((a, b) => a.d - b.d)
          .slice(0, 10)
          .map((r) => r.id)
        const res = await t.fn('/search', tokens[u.name]!, { collection, vector: query, limit: 10, filters: { run: { $eq: t.run } } })
        expect(res.status).toBe(200)
        expect(ids(res.body.data).sort()).toEqual(exact.sort())
      }
    }
  })

  it('a fan-out over both collections keeps each part to the caller', async () => {
    for (const u of Object.values(t.users)) {
      const res = await t.fn('/search', tokens[u.name]!, { collections: ['notes', 'team_docs', 'docs'], query: 'apple garnet', limit: 30 })
      expect(res.status).toBe(200)
      const hits = res.body.data as Array<{ id: string; collection: string }>
      const own = new Set([...mine(u, 'notes'), ...mine(u, 'team_docs')])
      const foreign = hits.filter((h) => h.collection !== 'docs' && !own.has(h.id))
      expect(foreign).toEqual([])
      expect(hits.some((h) => h.collection === 'notes')).toBe(true)
      expect(hits.some((h) => h.collection === 'team_docs')).toBe(true)
    }
  })

  it('shared rows reach both organisations; an organisation’s rows reach all its members', async () => {
    const shared = [...t.owners.team_docs].filter(([, o]) => o.length > 1).map(([id]) => id)
    for (const u of Object.values(t.users)) {
      const res = await t.fn('/search', tokens[u.name]!, { collection: 'team_docs', vector: t.vectors.get(shared[0]!)!, limit: 50 })
      expect(ids(res.body.data)).toEqual(expect.arrayContaining(shared))
    }
    const acme = [...t.owners.team_docs].filter(([, o]) => o.length === 1 && o[0] === t.users.alice.org).map(([id]) => id)
    const carol = await t.fn('/search', tokens.carol!, { collection: 'team_docs', vector: t.vectors.get(acme[0]!)!, limit: 1 })
    expect(ids(carol.body.data)).toEqual([acme[0]])
  })

  it('anon is refused with a stable code; service_role sees every owner’s rows', async () => {
    for (const collection of COLLECTIONS) {
      const anon = await t.fn('/search', t.primary.keys.anonKey, { collection, query: 'apple' })
      expect(anon.status).toBe(403)
      expect(anon.body.error.code).toBe('forbidden')
      const write = await t.fn(`/collections/${collection}/records`, t.primary.keys.anonKey, { records: [{ id: `${t.run}-x`, text: 'x' }] })
      expect(write.status).toBe(403)
    }
    const svc = await t.fn('/search', t.primary.keys.serviceRoleKey, {
      collection: 'notes',
      query: 'apple banana cherry',
      mode: 'text',
      limit: 60,
      filters: { run: { $eq: t.run } },
    })
    const owners = new Set(ids(svc.body.data).map((id) => t.owners.notes.get(id)))
    expect(owners.size).toBe(3)
  })

  it('a JWT without the owner claim is refused', async () => {
    const noOrg = await sign({ role: 'authenticated', sub: t.users.alice.sub }, t.secrets.primary!.jwtSecret)
    const res = await t.fn('/search', noOrg, { collection: 'team_docs', query: 'apple' })
    expect(res.status).toBe(403)
    expect(res.body.error.message).toMatch(/app_metadata\.org_id/)
    const notes = await t.fn('/search', noOrg, { collection: 'notes', query: 'apple', mode: 'text', filters: { run: { $eq: t.run } } })
    expect(outside(ids(notes.body.data), mine(t.users.alice, 'notes'))).toEqual([])
  })
})

describe('writes of signed-in users', () => {
  it('a user’s rows are owned by its token, never by the body; another’s rows are refused', async () => {
    const { alice, bob } = t.users
    const a = `${t.run}-w-alice`
    const ok = await t.fn('/collections/notes/records', tokens.alice!, {
      records: [{ id: a, text: 'apple written by alice', metadata: { run: t.run, text: 'apple written by alice', owner_id: bob.sub } }],
    })
    expect(ok.status).toBe(200)
    t.owners.notes.set(a, alice.sub)
    const claimed = await t.fn('/collections/notes/records', tokens.alice!, { records: [{ id: `${a}-2`, text: 'x', owner: bob.sub }] })
    expect(claimed.status).toBe(403)
    expect(claimed.body.error.code).toBe('forbidden')

    const bobs = [...mine(bob, 'notes')][0]!
    const steal = await t.fn('/collections/notes/records', tokens.alice!, { records: [{ id: bobs, text: 'overwritten', metadata: { run: t.run } }] })
    expect(steal.status).toBe(403)
    const del = await t.fn('/collections/notes/records', tokens.alice!, { ids: [bobs] }, 'DELETE')
    expect(del.body.data.deleted).toBe(0)

    const pod = postgres(t.pods.pod_a!.dbUrl, { max: 1, onnotice: () => {} })
    try {
      const rows = await pod`select id, owner_id, metadata from vecs.notes where id in (${a}, ${bobs}) order by id`
      const byId = Object.fromEntries(rows.map((r) => [r.id, r]))
      expect(byId[a]!.owner_id).toBe(alice.sub)
      expect(byId[bobs]!.owner_id).toBe(bob.sub)
      expect(byId[bobs]!.metadata.text).not.toBe('overwritten')
    } finally {
      await pod.end()
    }
    // Bob does not find it; alice does.
    const bobSees = await t.fn('/search', tokens.bob!, { collection: 'notes', query: 'written by alice', mode: 'text', limit: 50 })
    expect(ids(bobSees.body.data)).not.toContain(a)
    const aliceSees = await t.fn('/search', tokens.alice!, { collection: 'notes', query: 'written by alice', mode: 'text', limit: 5 })
    expect(ids(aliceSees.body.data)).toContain(a)
  })

  it('an organisation member’s row is owned by its organisation (REST transport)', async () => {
    const id = `${t.run}-w-acme`
    const res = await t.fn('/collections/team_docs/records', tokens.carol!, {
      records: [{ id, text: 'falcon plan of acme', metadata: { run: t.run, text: 'falcon plan of acme' } }],
    })
    expect(res.status).toBe(200)
    t.owners.team_docs.set(id, [t.users.carol.org])
    const alice = await t.fn('/search', tokens.alice!, { collection: 'team_docs', query: 'falcon plan of acme', mode: 'text', limit: 3 })
    expect(ids(alice.body.data)).toContain(id)
    const bob = await t.fn('/search', tokens.bob!, { collection: 'team_docs', query: 'falcon plan of acme', mode: 'text', limit: 50 })
    expect(ids(bob.body.data)).not.toContain(id)
    const bobDelete = await t.fn('/collections/team_docs/records', tokens.bob!, { filters: { run: { $eq: t.run } } }, 'DELETE')
    expect(bobDelete.status).toBe(200)
    // Bob's delete by filter removed globex rows only (his own organisation's): acme's survive.
    const after = await t.fn('/search', tokens.alice!, { collection: 'team_docs', query: 'falcon plan of acme', mode: 'text', limit: 3 })
    expect(ids(after.body.data)).toContain(id)
    for (const [rid, o] of t.owners.team_docs) if (o.includes(t.users.bob.org)) t.owners.team_docs.delete(rid)
    expect(bobDelete.body.data.deleted).toBe(24 + 6)
  })

  it('service_role must name each record’s owner, in the owner column’s shape', async () => {
    const none = await t.fn('/collections/notes/records', t.primary.keys.serviceRoleKey, { records: [{ id: `${t.run}-s`, text: 'x' }] })
    expect(none.status).toBe(400)
    expect(none.body.error.message).toMatch(/owner: required/)
    const shape = await t.fn('/collections/team_docs/records', t.primary.keys.serviceRoleKey, { records: [{ id: `${t.run}-s`, text: 'x', owner: 'acme' }] })
    expect(shape.status).toBe(400)
    const publicOwner = await t.fn('/collections/docs/records', t.primary.keys.serviceRoleKey, { records: [{ id: `${t.run}-s`, text: 'x', owner: 'acme' }] })
    expect(publicOwner.status).toBe(400)
  })
})

describe('the primary: views, foreign tables and RPCs', () => {
  it('.from("notes") on the primary returns exactly the caller’s rows; anon gets none', async () => {
    for (const u of Object.values(t.users)) {
      const { data, error } = await supabaseAs(tokens[u.name]!).from('notes').select('id, owner_id').contains('metadata', { run: t.run })
      expect(error).toBeNull()
      expect(new Set(ids(data!))).toEqual(mine(u, 'notes'))
      const docs = await supabaseAs(tokens[u.name]!).from('team_docs').select('id').contains('metadata', { run: t.run })
      expect(new Set(ids(docs.data!))).toEqual(mine(u, 'team_docs'))
    }
    const anon = await supabaseAs(t.primary.keys.anonKey).from('notes').select('id').limit(1)
    expect(anon.data ?? []).toEqual([])
    expect(anon.error?.code).toBe('42501')
  })

  it('the foreign tables behind the views are service_role only', async () => {
    for (const bearer of [tokens.alice!, t.primary.keys.anonKey]) {
      const { data, error } = await supabaseAs(bearer).schema('vecpods').from('notes_rows').select('id').limit(1)
      expect(data ?? []).toEqual([])
      expect(error).not.toBeNull()
    }
    const svc = await supabaseAs(t.primary.keys.serviceRoleKey).schema('vecpods').from('notes_rows').select('id, owner_id').contains('metadata', { run: t.run })
    expect(new Set(svc.data!.map((r) => r.owner_id)).size).toBe(3)
  })

  it('match_, langchain_match_ and hybrid_ return the caller’s rows only', async () => {
    for (const u of Object.values(t.users)) {
      const client = supabaseAs(tokens[u.name]!)
      for (const collection of COLLECTIONS) {
        const own = mine(u, collection)
        const seeded = [...own].find((id) => t.vectors.has(id)) ?? [...t.vectors.keys()][0]!
        const q = `[${t.vectors.get(seeded)!.join(',')}]`
        const match = await client.rpc(`match_${collection}`, { query_embedding: q, match_count: 20, filter: { run: t.run } })
        const lc = await client.rpc(`langchain_match_${collection}`, { query_embedding: q, match_count: 20, filter: { run: t.run } })
        const hybrid = await client.rpc(`hybrid_${collection}`, { query_text: 'apple banana', query_embedding: q, match_count: 20, filter: { run: t.run } })
        for (const [what, r] of Object.entries({ match, lc, hybrid })) {
          expect(r.error, `${u.name} ${collection} ${what}`).toBeNull()
          expect(outside(ids(r.data as Array<{ id: string }>), own), `${u.name} ${collection} ${what}`).toEqual([])
          expect((r.data as unknown[]).length, `${u.name} ${collection} ${what}`).toBe(Math.min(20, own.size))
        }
      }
    }
    const anon = await supabaseAs(t.primary.keys.anonKey).rpc('match_notes', { query_embedding: `[${t.vectors.values().next().value!.join(',')}]` })
    expect(anon.error?.code).toBe('42501')
  })

  it('postgres_fdw sends the owner condition to the pod as a parameter (EXPLAIN)', async () => {
    const db = postgres(t.primary.dbUrl, { max: 1, prepare: false, onnotice: () => {} })
    const notices: string[] = []
    const traced = postgres(t.primary.dbUrl, { max: 1, prepare: false, onnotice: (n) => notices.push(String(n.message)) })
    try {
      const claims = JSON.stringify({ role: 'authenticated', sub: t.users.alice.sub })
      const q = `[${t.vectors.get([...mine(t.users.alice, 'notes')][0]!)!.join(',')}]`
      // The view: its owner condition in the Remote SQL, the claim an init plan's parameter.
      const view = await db.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', ${claims}, true), set_config('role', 'authenticated', true)`
        return tx.unsafe(`explain (verbose, costs off) select id from public.notes where id like 'x%'`)
      })
      const plan = view.map((r) => r['QUERY PLAN']).join('\n')
      expect(plan).toMatch(/Remote SQL: SELECT .* FROM public\.notes WHERE .*\(\(owner_id = \$1::text\)\)/)
      // match_notes: its whole query on the pod, owner condition included, only match_count rows back.
      await traced.unsafe(`load 'auto_explain'`)
      await traced.unsafe(
        `set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set auto_explain.log_verbose = on; set client_min_messages = log`,
      )
      const rows = await traced.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', ${claims}, true), set_config('role', 'authenticated', true)`
        return tx`select id from public.match_notes(${q}::extensions.vector, 5)`
      })
      expect(rows).toHaveLength(5)
      // The function runs its query with the caller's id as a value (EXECUTE … USING): a literal in
      // the Remote SQL, the filter and the ORDER BY distance with it; no sort on the primary.
      const remote = notices.find((n) => n.includes('notes_rows'))!.replace(/'\[[^\]]*\]'/g, "'[…]'")
      expect(remote).toMatch(
        new RegExp(
          `Remote SQL: SELECT .* FROM public\\.notes WHERE .*\\(owner_id = '${t.users.alice.sub}'\\).* ORDER BY \\(embedding OPERATOR\\(extensions\\.<=>\\)`,
        ),
      )
      expect(remote).not.toMatch(/\bSort\b/)
    } finally {
      await db.end()
      await traced.end()
    }
  })
})

describe('the SDK and the pods’ own APIs', () => {
  it('the SDK signed in as a user searches and lists only its rows', async () => {
    for (const u of [t.users.alice, t.users.bob]) {
      const client = createVectorClient({ supabase: supabaseAs(tokens[u.name]!) })
      const found = await client.search('apple banana', { collection: 'notes', limit: 10, filters: { run: { $eq: t.run } } })
      expect(found.error).toBeNull()
      expect(outside(ids(found.data!), mine(u, 'notes'))).toEqual([])
      const listed = await client.list('notes', { where: { run: t.run }, limit: 100 })
      expect(new Set(ids(listed.data!))).toEqual(mine(u, 'notes'))
      const other = [...mine(u === t.users.alice ? t.users.bob : t.users.alice, 'notes')][0]!
      const got = await client.get('notes', other)
      expect(got.data).toBeNull()
    }
  })

  it('a pod refuses tokens it did not sign, the anon key, and a caller choosing its claims', async () => {
    const podC = t.pods.pod_c!
    const call = (bearer: string, body: Record<string, unknown>) =>
      fetch(`${podC.apiUrl}/rest/v1/rpc/search`, {
        method: 'POST',
        headers: { apikey: podC.keys.anonKey, authorization: `Bearer ${bearer}`, 'content-type': 'application/json', 'content-profile': 'vecpods' },
        body: JSON.stringify({ collection: 'team_docs', query_embedding: `[${t.vectors.values().next().value!.join(',')}]`, match_count: 50, ...body }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }))
    // The primary's user token, and one signed with pod_a's secret: not pod_c's.
    expect((await call(tokens.alice!, {})).status).toBe(401)
    expect((await call(await t.token(t.users.alice, {}, t.secrets.pod_a!.jwtSecret), {})).status).toBe(401)
    // pod_c's anon key: no grant on the search function.
    expect((await call(podC.keys.anonKey, {})).status).toBe(401)
    // A token of pod_c for alice (as the edge signs them): alice's rows, and no choosing bob's claims.
    const podToken = await t.token(t.users.alice, {}, t.secrets.pod_c!.jwtSecret)
    const own = await call(podToken, {})
    expect(own.status).toBe(200)
    expect(outside(ids(own.body), mine(t.users.alice, 'team_docs'))).toEqual([])
    const forged = await call(podToken, { caller: { role: 'authenticated', sub: t.users.bob.sub, app_metadata: { org_id: t.users.bob.org } } })
    // PostgREST answers a function's own SQLSTATE with 400; the edge maps VPA01 to 403 forbidden.
    expect(forged.status).toBe(400)
    expect(forged.body.code).toBe('VPA01')
  })
})
