import { efSearchOf } from '@vecpods/registry'
import { loadRegistry } from '@vecpods/registry/node'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlPod } from '../../src/pods/sql-pod.ts'
import type { PodClient } from '../../src/pods/types.ts'
import { prng, unit } from '../random.ts'
import { sign, type Tenancy, tenancy, type User, WORDS } from '../tenancy/fixture.ts'

// Cross-tenant attacks on the real stack: forged and swapped tokens, other pods' secrets, filters
// naming another owner, owners in upsert bodies, other tenants' ids. Nothing of another tenant may
// come back, and nothing may be written as or over another tenant.
let t: Tenancy
const ATTEMPTS = 1000
const random = prng(20261204)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
const vector = () => unit(Array.from({ length: 384 }, () => random() - 0.5))

beforeAll(async () => {
  t = await tenancy('fuzz')
}, 60_000)

afterAll(async () => {
  await t?.close()
})

/** Every row of this run on both pods: owner and a digest of its content, by id. */
async function snapshot(): Promise<Map<string, string>> {
  const rows = new Map<string, string>()
  for (const [pod, collection, owner] of [
    ['pod_a', 'notes', 'owner_id::text'],
    ['pod_c', 'team_docs', 'org_ids::text'],
  ] as const) {
    const db = postgres(t.pods[pod]!.dbUrl, { max: 1, onnotice: () => {} })
    try {
      const found = await db.unsafe(
        `select id, ${owner} || ':' || md5(metadata::text || vec::text) as digest from vecs.${collection} where metadata ->> 'run' = $1 or id like $2`,
        [t.run, `${t.run}%`],
      )
      for (const r of found) rows.set(`${collection}/${r.id}`, r.digest as string)
    } finally {
      await db.end()
    }
  }
  return rows
}

describe('cross-tenant fuzzer', () => {
  it(`${ATTEMPTS} attacks: 0 rows of another tenant returned, 0 written`, async () => {
    const users = Object.values(t.users)
    const others = (u: User) => users.filter((o) => o.org !== u.org || o.sub !== u.sub)
    const before = await snapshot()
    const ownWrites = new Map<string, User>()
    const tally = { attempts: 0, leaks: 0, refused: 0, answered: 0, byKind: {} as Record<string, number> }
    const leak = (what: string) => {
      tally.leaks++
      throw new Error(`leak: ${what}`)
    }
    const searchBody = (u: User, filters?: Record<string, unknown>) => ({
      collection: pick(['notes', 'team_docs'] as const),
      limit: 20,
      ...pick([
        { mode: 'vector', query: `${pick(WORDS)} ${pick(WORDS)}` },
        { mode: 'text', query: `${pick(WORDS)} ${pick(WORDS)}` },
        { mode: 'hybrid', query: `${pick(WORDS)} ${pick(WORDS)}` },
        { mode: 'vector', mmr: {}, query: pick(WORDS) },
        { vector: vector() },
      ] as const),
      ...(filters ? { filters } : {}),
      _u: u,
    })
    /** Checks that a 200 search answer holds only the caller's rows. */
    const onlyOwn = (u: User, body: { data: Array<{ id: string; collection: string }> }, kind: string) => {
      for (const hit of body.data) {
        if (hit.collection === 'docs') continue
        if (!t.visible(u, hit.collection as 'notes' | 'team_docs').has(hit.id) && ownWrites.get(hit.id) !== u)
          leak(`${kind}: ${u.name} got ${hit.collection}/${hit.id}`)
      }
    }

    const attacks: Record<string, (i: number) => Promise<void>> = {
      // A valid token, and a filter naming another owner in every way a filter can.
      async filterNamingAnother() {
        const u = pick(users)
        const o = pick(others(u))
        const filters = pick([
          { owner_id: { $eq: o.sub } },
          { org_ids: { $contains: o.org } },
          { $or: [{ owner_id: { $eq: o.sub } }, { run: { $eq: t.run } }] },
          { sub: { $in: [o.sub, u.sub] } },
          { app_metadata: { $eq: { org_id: o.org } } },
        ])
        const { _u, ...body } = searchBody(u, filters)
        const res = await t.fn('/search', await t.token(u), body)
        if (res.status !== 200) throw new Error(`filterNamingAnother: ${res.status} ${JSON.stringify(res.body)}`)
        onlyOwn(u, res.body, 'filter')
      },
      // The same token used for a fan-out, for another user's ids by exact vector.
      async swappedQuery() {
        const u = pick(users)
        const o = pick(others(u))
        const target = [...t.visible(o, 'notes')].find((id) => t.vectors.has(id))!
        const res = await t.fn('/search', await t.token(u), { collections: ['notes', 'team_docs'], vector: t.vectors.get(target), limit: 30 })
        if (res.status !== 200) throw new Error(`swappedQuery: ${res.status}`)
        onlyOwn(u, res.body, 'swapped')
      },
      // Tokens the edge must not accept: another secret (random, or a pod's), an expired one.
      async forgedToken() {
        const u = pick(users)
        const o = pick(others(u))
        const secret = pick([`forged-${Math.floor(random() * 1e9)}-secret-of-32-characters`, t.secrets.pod_a!.jwtSecret, t.secrets.pod_c!.jwtSecret])
        const claims = pick([
          { role: 'authenticated', sub: o.sub, app_metadata: { org_id: o.org } },
          { role: 'service_role' },
          { role: 'authenticated', sub: u.sub, app_metadata: { org_id: o.org } },
        ])
        const token = await sign(claims, secret)
        const { _u, ...body } = searchBody(u)
        const res = await t.fn('/search', token, body)
        if (res.status === 200) leak(`forged token answered 200 (${JSON.stringify(claims)})`)
        if (res.status !== 401) throw new Error(`forgedToken: ${res.status}`)
      },
      async expiredToken() {
        const u = pick(users)
        const token = await sign(
          { role: 'authenticated', sub: u.sub, app_metadata: { org_id: u.org }, exp: Math.floor(Date.now() / 1000) - 60 },
          t.secrets.primary!.jwtSecret,
          '-1m',
        )
        const res = await t.fn('/search', token, { collection: 'notes', query: 'apple' })
        if (res.status !== 401) leak(`expired token answered ${res.status}`)
      },
      // Properly signed, but not a user who owns anything: anon with someone's sub, a user with a
      // claim of the wrong shape, or without one.
      async claimsOfWrongShape() {
        const o = pick(users)
        const claims = pick([
          { role: 'anon', sub: o.sub, app_metadata: { org_id: o.org } },
          { role: 'authenticated', sub: { $eq: o.sub }, app_metadata: { org_id: [o.org] } },
          { role: 'authenticated', app_metadata: { org_id: { org_id: o.org } } },
          { role: 'authenticated', sub: '', app_metadata: { org_id: '' } },
        ])
        const token = await sign(claims, t.secrets.primary!.jwtSecret)
        const res = await t.fn('/search', token, { collection: pick(['notes', 'team_docs']), query: 'apple banana', mode: 'text', limit: 50 })
        if (res.status === 200 && res.body.data.some((h: { collection: string }) => h.collection !== 'docs'))
          leak(`claims ${JSON.stringify(claims)} found rows`)
        if (res.status !== 403) throw new Error(`claimsOfWrongShape: ${res.status}`)
      },
      // Writes: an owner in the body, another owner's id, a delete of another's rows.
      async ownerInBody(i) {
        const u = pick(users)
        const o = pick(others(u))
        const collection = pick(['notes', 'team_docs'])
        const res = await t.fn(`/collections/${collection}/records`, await t.token(u), {
          records: [{ id: `${t.run}-fz-${i}`, vector: vector(), owner: collection === 'notes' ? o.sub : [o.org], metadata: { run: t.run } }],
        })
        if (res.status !== 403) leak(`owner in body answered ${res.status}`)
      },
      async ownerInMetadata(i) {
        const u = pick(users)
        const o = pick(others(u))
        const id = `${t.run}-fz-${i}`
        // Recorded as the writer's before it is sent: a concurrent search by the writer may find the
        // row as soon as it commits, before this answer arrives. The end checks the stored owner.
        ownWrites.set(id, u)
        t.owners.notes.set(id, u.sub)
        const res = await t.fn('/collections/notes/records', await t.token(u), {
          records: [{ id, vector: vector(), metadata: { run: t.run, owner_id: o.sub, org_ids: [o.org] } }],
        })
        if (res.status !== 200) {
          ownWrites.delete(id)
          t.owners.notes.delete(id)
          throw new Error(`ownerInMetadata: ${res.status} ${JSON.stringify(res.body)}`)
        }
      },
      async overwriteAnother() {
        const u = pick(users)
        const o = pick(others(u))
        const collection = pick(['notes', 'team_docs'] as const)
        const victim = [...t.visible(o, collection)].find((id) => !t.visible(u, collection).has(id) && t.vectors.has(id))
        if (!victim) return
        const res = await t.fn(`/collections/${collection}/records`, await t.token(u), {
          records: [{ id: victim, vector: vector(), metadata: { run: t.run, pwned: true } }],
        })
        if (res.status === 200) leak(`overwrote ${collection}/${victim}`)
      },
      async deleteAnother() {
        const u = pick(users)
        const o = pick(others(u))
        const collection = pick(['notes', 'team_docs'] as const)
        const victims = [...t.visible(o, collection)].filter((id) => !t.visible(u, collection).has(id)).slice(0, 5)
        const body = random() < 0.5 ? { ids: victims } : { filters: { run: { $eq: t.run }, title: { $ne: 'x' } } }
        // A delete by filter removes the caller's own rows, which the checks below then expect gone.
        if ('filters' in body) return
        const res = await t.fn(`/collections/${collection}/records`, await t.token(u), body, 'DELETE')
        if (res.status === 200 && res.body.data.deleted !== 0) leak(`deleted ${res.body.data.deleted} of ${o.name}'s rows`)
      },
    }
    const kinds = Object.keys(attacks)
    const queue = Array.from({ length: ATTEMPTS }, (_, i) => i)
    const failures: string[] = []
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const kind = kinds[i % kinds.length]!
        tally.byKind[kind] = (tally.byKind[kind] ?? 0) + 1
        tally.attempts++
        await attacks[kind]!(i).catch((error: Error) => failures.push(`${kind} #${i}: ${error.message}`))
      }
    }
    await Promise.all(Array.from({ length: 8 }, worker))

    // Nothing another tenant owns changed; the rows attackers wrote are their own.
    const after = await snapshot()
    let written = 0
    for (const [key, digest] of before) if (after.get(key) !== digest) written++
    const pod = postgres(t.pods.pod_a!.dbUrl, { max: 1, onnotice: () => {} })
    try {
      const mine = await pod`select id, owner_id from vecs.notes where id like ${`${t.run}-fz-%`}`
      for (const r of mine) if (ownWrites.get(r.id)?.sub !== r.owner_id) written++
      expect(mine.length).toBe(ownWrites.size)
    } finally {
      await pod.end()
    }
    console.log(`tenancy fuzz: ${tally.attempts} attempts (${JSON.stringify(tally.byKind)}), leaks ${tally.leaks}, rows of others changed ${written}`)
    expect(failures).toEqual([])
    expect(tally.attempts).toBe(ATTEMPTS)
    expect(tally.leaks).toBe(0)
    expect(written).toBe(0)
  }, 180_000)
})

describe('pooled connections', () => {
  let pod: PodClient
  beforeAll(() => {
    const registry = loadRegistry()
    // One connection: every caller's statement runs on it, one after another.
    pod = sqlPod({ pod: 'pod_a', dbUrl: t.pods.pod_a!.dbUrl, max: 1, sessionEfSearch: efSearchOf(registry, 'pod_a') })
  })
  afterAll(async () => {
    await pod?.close()
  })

  it('no claim or role survives into the next caller’s statement on the same connection', async () => {
    const users = Object.values(t.users)
    const claims = (u: User) => ({ role: 'authenticated', sub: u.sub, app_metadata: { org_id: u.org } })
    const filter = { contains: { run: t.run } } as const
    const victim = [...t.visible(t.users.bob, 'notes')][0]!
    const calls = Array.from({ length: 300 }, (_, i) => {
      const u = users[i % 3]!
      switch (i % 6) {
        case 0:
        case 1:
        case 2:
          return pod
            .search({
              collection: 'notes',
              measure: 'cosine',
              vector: vector(),
              limit: 10,
              filter,
              includeMetadata: false,
              includeValue: false,
              efSearch: 40,
              exact: false,
              actAs: claims(u),
            })
            .then((hits) => ({ kind: 'user', u, ids: hits.map((h) => h.id) }))
        case 3:
          // A statement that fails half way, acting for alice: its settings must end with it.
          return pod.upsert('notes', 'vecpods/static-384', [{ id: victim, vector: vector(), metadata: { run: t.run } }], claims(t.users.alice)).then(
            () => ({ kind: 'steal-succeeded', u, ids: [] as string[] }),
            (error: { code?: string }) => ({ kind: `steal-refused:${error.code}`, u, ids: [] as string[] }),
          )
        case 4:
          // The edge's own statement (service): every owner's rows.
          return pod
            .search({
              collection: 'notes',
              measure: 'cosine',
              vector: vector(),
              limit: 72,
              filter,
              includeMetadata: false,
              includeValue: false,
              efSearch: 200,
              exact: false,
            })
            .then((hits) => ({ kind: 'service', u, ids: hits.map((h) => h.id) }))
        default:
          return pod.catalog().then((rows) => ({ kind: 'catalog', u, ids: rows.map((r) => r.name) }))
      }
    })
    const results = await Promise.all(calls)
    const kinds = new Map<string, number>()
    for (const r of results) {
      kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1)
      if (r.kind === 'user') {
        expect(r.ids.filter((id) => !t.visible(r.u, 'notes').has(id))).toEqual([])
        expect(r.ids).toHaveLength(10)
      }
      if (r.kind === 'service') expect(new Set(r.ids.map((id) => t.owners.notes.get(id))).size).toBe(3)
      if (r.kind === 'catalog') expect(r.ids).toContain('notes')
    }
    expect(Object.fromEntries(kinds)).toEqual({ user: 150, 'steal-refused:forbidden': 50, service: 50, catalog: 50 })
  }, 60_000)
})
