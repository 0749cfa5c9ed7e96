import { loadSecrets, type ProjectEndpoints, stackEndpoints, stackOptions } from '@vecpods/stack'
import { SignJWT } from 'jose'
import postgres from 'postgres'
import { prng, unit } from '../random.ts'

/**
 * Two organisations and three users on the real stack: alice and carol in acme, bob in globex.
 * Subjects and organisations carry the run's name, so rows of earlier runs belong to nobody here.
 * `notes` (pod_a, SQL transport) is owned by the user (`sub`); `team_docs` (pod_c, REST transport)
 * by organisations (`app_metadata.org_id`, an array: some rows are shared by both).
 */
export interface User {
  name: string
  sub: string
  org: string
}

export interface Tenancy {
  run: string
  primary: ProjectEndpoints
  pods: Record<string, ProjectEndpoints>
  secrets: Record<string, { jwtSecret: string }>
  users: Record<'alice' | 'bob' | 'carol', User>
  /** Each seeded row's owners: a user's sub (notes) or organisations (team_docs). */
  owners: { notes: Map<string, string>; team_docs: Map<string, string[]> }
  vectors: Map<string, number[]>
  /** A signed user JWT of the primary (or of another secret). */
  token(user: User, extra?: Record<string, unknown>, secret?: string): Promise<string>
  /** Calls the deployed edge function (Deno, through the gateway). */
  fn(path: string, token: string, body?: unknown, method?: string): Promise<{ status: number; body: Json }>
  /** Ids a user may see in a collection. */
  visible(user: User, collection: 'notes' | 'team_docs'): Set<string>
  close(): Promise<void>
}

/** A JSON answer, read loosely by the tests. */
// biome-ignore lint/suspicious/noExplicitAny: test answers are checked field by field
export type Json = any

export const WORDS = ['apple', 'banana', 'cherry', 'delta', 'echo', 'falcon', 'garnet', 'harbor']
const PER_OWNER = 24
const SHARED = 6

export async function sign(claims: Record<string, unknown>, secret: string, expiresIn = '10m'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(secret))
}

/** Seeds the rows (as service_role, through the edge), and waits until pod_a's replica has them. */
export async function tenancy(name: string): Promise<Tenancy> {
  const opts = stackOptions(process.env, () => {})
  const eps = await stackEndpoints(opts)
  const primary = eps.find((e) => e.project === 'primary')!
  const pods = Object.fromEntries(eps.filter((e) => e.project !== 'primary').map((e) => [e.project, e]))
  const secrets = loadSecrets(opts.stateDir, opts.projects)
  const run = `${name}-${Date.now().toString(36)}`
  const users = {
    alice: { name: 'alice', sub: `${run}-alice`, org: `${run}-acme` },
    bob: { name: 'bob', sub: `${run}-bob`, org: `${run}-globex` },
    carol: { name: 'carol', sub: `${run}-carol`, org: `${run}-acme` },
  }
  const token = (user: User, extra: Record<string, unknown> = {}, secret = secrets.primary!.jwtSecret) =>
    sign({ role: 'authenticated', aud: 'authenticated', sub: user.sub, app_metadata: { org_id: user.org }, ...extra }, secret)
  const fnUrl = `${primary.apiUrl}/functions/v1/vector-search`
  const fn = async (path: string, bearer: string, body?: unknown, method = 'POST') => {
    const res = await fetch(`${fnUrl}${path}`, {
      method,
      headers: { apikey: primary.keys.anonKey, authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: await res.json().catch(() => null) }
  }

  const random = prng(name.length * 7919)
  const vectors = new Map<string, number[]>()
  const text = () => Array.from({ length: 4 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ')
  const row = (id: string) => {
    const vector = unit(Array.from({ length: 384 }, () => random() - 0.5))
    vectors.set(id, vector)
    return { id, vector, metadata: { run, title: `note ${id.slice(-6)}`, text: text() } }
  }
  const owners = { notes: new Map<string, string>(), team_docs: new Map<string, string[]>() }
  const notes = Object.values(users).flatMap((u) =>
    Array.from({ length: PER_OWNER }, (_, i) => {
      const id = `${run}-n-${u.name}-${i}`
      owners.notes.set(id, u.sub)
      return { ...row(id), owner: u.sub }
    }),
  )
  const orgs = [users.alice.org, users.bob.org]
  const docs = [
    ...orgs.flatMap((org) =>
      Array.from({ length: PER_OWNER }, (_, i) => {
        const id = `${run}-t-${org.slice(-6)}-${i}`
        owners.team_docs.set(id, [org])
        return { ...row(id), owner: [org] }
      }),
    ),
    ...Array.from({ length: SHARED }, (_, i) => {
      const id = `${run}-t-shared-${i}`
      owners.team_docs.set(id, orgs)
      return { ...row(id), owner: orgs }
    }),
  ]
  for (const [collection, records] of [
    ['notes', notes],
    ['team_docs', docs],
  ] as const) {
    const res = await fn(`/collections/${collection}/records`, primary.keys.serviceRoleKey, { records })
    if (res.status !== 200) throw new Error(`seeding ${collection}: ${res.status} ${JSON.stringify(res.body)}`)
  }
  // Searches of notes may be served by pod_a's replica: wait until it has replayed the rows.
  const replicaUrl = (await import('@vecpods/stack').then((m) => m.stackEnvironment(opts))).VECPODS_POD_A_R1_DB_URL
  if (replicaUrl) {
    const replica = postgres(replicaUrl, { max: 1, onnotice: () => {} })
    try {
      for (let i = 0; i < 200; i++) {
        const [r] = await replica`select count(*)::int as n from vecs.notes where metadata ->> 'run' = ${run}`
        if (r!.n === notes.length) break
        await new Promise((f) => setTimeout(f, 50))
      }
    } finally {
      await replica.end()
    }
  }

  return {
    run,
    primary,
    pods,
    secrets,
    users,
    owners,
    vectors,
    token,
    fn,
    visible: (user, collection) =>
      new Set(
        collection === 'notes'
          ? [...owners.notes].filter(([, o]) => o === user.sub).map(([id]) => id)
          : [...owners.team_docs].filter(([, o]) => o.includes(user.org)).map(([id]) => id),
      ),
    close: async () => {
      for (const collection of ['notes', 'team_docs']) {
        await fn(`/collections/${collection}/records`, primary.keys.serviceRoleKey, { filters: { run: { $eq: run } } }, 'DELETE')
      }
    },
  }
}
