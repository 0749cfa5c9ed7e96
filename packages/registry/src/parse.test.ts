import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  applyOverlay,
  collectionEfSearch,
  efSearchOf,
  localPorts,
  overlaidCollections,
  ownerClaimOf,
  ownerClaimPath,
  parseOverlay,
  parseRegistry,
  parseRegistryText,
  projectEnvNames,
  RegistryError,
} from './index.ts'
import { repoRoot } from './load-node.ts'

const shipped = JSON.parse(readFileSync(join(repoRoot, 'vecpods.config.json'), 'utf8'))

/** The shipped registry with one change applied. */
// biome-ignore lint/suspicious/noExplicitAny: tests mutate the raw JSON freely, including into invalid shapes.
function variant(change: (r: any) => void): unknown {
  const copy = structuredClone(shipped)
  change(copy)
  return copy
}

function problemsOf(input: unknown): { path: string; message: string }[] {
  try {
    parseRegistry(input)
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError)
    return (error as RegistryError).problems
  }
  throw new Error('expected the registry to be rejected')
}

describe('parseRegistry', () => {
  it('accepts the shipped registry: a primary and three pods, docs/posts/api on pods A/B/C', () => {
    const reg = parseRegistry(shipped)
    expect(Object.keys(reg.pods)).toEqual(['pod_a', 'pod_b', 'pod_c'])
    expect(reg.collections.docs?.pod).toBe('pod_a')
    expect(reg.collections.posts?.pod).toBe('pod_b')
    expect(reg.collections.api?.pod).toBe('pod_c')
    expect(reg.collections.drafts?.access).toBe('service')
  })

  it('fills defaults: hnsw m=16 ef_construction=64, public access, no columns, a foreign table on the primary, sql transport', () => {
    const reg = parseRegistry({
      model: { id: 'm', dims: 3 },
      pods: { a: {} },
      collections: { c: { pod: 'a', dims: 3, measure: 'l2' } },
    })
    expect(reg.collections.c).toEqual({
      pod: 'a',
      dims: 3,
      measure: 'l2',
      index: { method: 'hnsw', m: 16, efConstruction: 64 },
      storage: 'vector',
      quantization: 'none',
      rerank: 10,
      columns: {},
      textField: 'text',
      access: 'public',
      onPrimary: 'foreign_table',
    })
    expect(reg.publicLimits).toEqual({
      maxCollections: 4,
      maxEfSearch: 400,
      exact: false,
      includeValue: false,
      maxBodyBytes: 262144,
      requestsPerMinute: 1200,
      concurrentRequests: 8,
      podShare: { perPod: 4, perCaller: 2, maxWaiting: 64 },
      filter: { maxComparisons: 10, maxDepth: 3, maxBytes: 4096 },
    })
    expect(reg.pods.a?.transport).toBe('sql')
    expect([reg.pods.a?.efSearch, reg.primary.efSearch]).toEqual([160, 160])
  })

  it("takes an ef_search per pod and for the primary, within pgvector's 1–1000", () => {
    const reg = parseRegistry({
      model: { id: 'm', dims: 3 },
      primary: { efSearch: 120 },
      pods: { a: { efSearch: 200 }, b: {} },
      collections: {},
    })
    expect([efSearchOf(reg, 'a'), efSearchOf(reg, 'b'), efSearchOf(reg, 'primary')]).toEqual([200, 160, 120])
    expect(() => parseRegistry({ model: { id: 'm', dims: 3 }, pods: { a: { efSearch: 0 } }, collections: {} })).toThrow(/pods\.a\.efSearch/)
    expect(() => parseRegistry({ model: { id: 'm', dims: 3 }, pods: { a: { efSearch: 1001 } }, collections: {} })).toThrow(/pods\.a\.efSearch/)
  })

  it('takes a collection ef_search for every model or one per model, falling back to the pod’s', () => {
    const reg = parseRegistry({
      model: { id: 'm', dims: 3 },
      pods: { a: { efSearch: 200 } },
      collections: {
        one: { pod: 'a', dims: 3, measure: 'cosine', efSearch: 30 },
        each: { pod: 'a', dims: 3, measure: 'cosine', efSearch: { 'vecpods/static-384': 10, 'Supabase/gte-small': 120 } },
        none: { pod: 'a', dims: 3, measure: 'cosine' },
      },
    })
    const ef = (name: string, model?: string) => collectionEfSearch(reg, reg.collections[name]!, model)
    expect([ef('one', 'x'), ef('each', 'vecpods/static-384'), ef('each', 'Supabase/gte-small'), ef('each', 'other'), ef('each'), ef('none', 'm')]).toEqual([
      30, 10, 120, 200, 200, 200,
    ])
    expect(() =>
      parseRegistry({ model: { id: 'm', dims: 3 }, pods: { a: {} }, collections: { c: { pod: 'a', dims: 3, measure: 'cosine', efSearch: { m: 0 } } } }),
    ).toThrow(/collections\.c\.efSearch/)
  })

  it('names the field of an unknown pod', () => {
    const problems = problemsOf(variant((r) => (r.collections.docs.pod = 'pod_z')))
    expect(problems).toEqual([{ path: 'collections.docs.pod', message: expect.stringContaining('unknown pod "pod_z"') }])
  })

  it('names the field of a dims mismatch with the model', () => {
    const problems = problemsOf(variant((r) => (r.collections.posts.dims = 768)))
    expect(problems).toEqual([
      {
        path: 'collections.posts.dims',
        message: "dims 768 does not match model.dims 384 (Supabase/gte-small); a collection of another model's vectors declares that model",
      },
    ])
  })

  it("takes another model's dims when the collection declares that model, not when it names the registry's", () => {
    const other = parseRegistry(variant((r) => Object.assign(r.collections.posts, { dims: 100, model: 'glove-100d' })))
    expect(other.collections.posts).toMatchObject({ dims: 100, model: 'glove-100d' })
    const same = problemsOf(variant((r) => Object.assign(r.collections.posts, { dims: 100, model: r.model.id })))
    expect(same.map((p) => p.path)).toEqual(['collections.posts.dims'])
  })

  it('names the field of a bad measure and lists the allowed ones', () => {
    const problems = problemsOf(variant((r) => (r.collections.api.measure = 'dot')))
    expect(problems).toHaveLength(1)
    expect(problems[0]!.path).toBe('collections.api.measure')
    expect(problems[0]!.message).toMatch(/cosine.*l2.*inner_product/)
  })

  it('reports every problem at once, each in the error message', () => {
    const input = variant((r) => {
      r.collections.docs.pod = 'nowhere'
      r.collections.docs.index = { method: 'hnsw', m: 1 }
      r.collections.docs.columns = { embedding: 'text' }
      r.pods.pod_a.env = { dbUrl: 'lower-case' }
    })
    expect(() => parseRegistry(input, 'my.json')).toThrowError(
      expect.objectContaining({
        message: expect.stringMatching(/^my\.json is not a valid vecpods registry/),
      }),
    )
    const paths = problemsOf(input).map((p) => p.path)
    expect(paths).toEqual(expect.arrayContaining(['collections.docs.pod', 'collections.docs.index.m', 'collections.docs.columns', 'pods.pod_a.env.dbUrl']))
  })

  it('rejects unknown keys, a pod named primary, bad identifiers and too many dims to index', () => {
    expect(problemsOf(variant((r) => (r.collections.docs.colour = 'red')))[0]!.path).toBe('collections.docs')
    expect(problemsOf(variant((r) => (r.pods.primary = {})))[0]!.path).toBe('pods')
    expect(problemsOf(variant((r) => (r.collections['Bad-Name'] = r.collections.docs)))[0]!.path).toBe('collections.Bad-Name')
    const wide = variant((r) => {
      r.model.dims = 3000
      for (const c of Object.values<{ dims: number }>(r.collections)) c.dims = 3000
    })
    expect(problemsOf(wide).map((p) => p.path)).toContain('collections.docs.index')
  })

  it('reports invalid JSON as a registry error', () => {
    expect(() => parseRegistryText('{ "model": ', 'x.json')).toThrowError(/x\.json is not a valid vecpods registry:\n {2}- \(root\): not valid JSON/)
  })
})

describe('storage and quantization', () => {
  const base = parseRegistry(shipped)
  const problems = (entry: Record<string, unknown>) => {
    try {
      parseRegistry({ ...shipped, model: { id: 'm', dims: 3000 }, collections: { big: { pod: 'pod_a', dims: 3000, measure: 'cosine', ...entry } } })
      return []
    } catch (error) {
      return (error as RegistryError).problems.map((p) => `${p.path}: ${p.message}`)
    }
  }
  it('indexes up to 2,000 dims of vector, 4,000 of halfvec, 64,000 binary-quantized', () => {
    expect(problems({}).join()).toMatch(/collections\.big\.index: pgvector indexes at most 2000 dimensions of vector; use "storage": "halfvec"/)
    expect(problems({ storage: 'halfvec' })).toEqual([])
    expect(problems({ quantization: 'binary' })).toEqual([])
    expect(problems({ quantization: 'binary', index: { method: 'none' } }).join()).toMatch(/quantization: binary quantization is an index/)
    expect(problems({ storage: 'float8' }).join()).toMatch(/collections\.big\.storage/)
    expect(base.collections.docs).toMatchObject({ storage: 'vector', quantization: 'none' })
  })
})

describe('collections with owners', () => {
  const base = parseRegistry(shipped)
  const withNotes = (entry: Record<string, unknown>) => ({
    ...shipped,
    collections: { ...shipped.collections, mine: { pod: 'pod_a', dims: base.model.dims, measure: 'cosine', ...entry } },
  })
  const problems = (entry: Record<string, unknown>) => {
    try {
      parseRegistry(withNotes(entry))
      return []
    } catch (error) {
      return (error as RegistryError).problems.map((p) => `${p.path}: ${p.message}`)
    }
  }

  it('fills owner defaults: column owner_id, claim sub, one owner', () => {
    const reg = parseRegistry(withNotes({ access: 'owner', owner: {} }))
    expect(reg.collections.mine!.owner).toEqual({ column: 'owner_id', claim: 'sub', many: false })
    expect(ownerClaimPath(reg.collections.mine!.owner!)).toBe('{sub}')
    expect(ownerClaimPath({ column: 'org_ids', claim: 'app_metadata.org_id', many: true })).toBe('{app_metadata,org_id}')
  })

  it('reads the owner claim from verified claims, nested or not', () => {
    const org = { column: 'org_ids', claim: 'app_metadata.org_id', many: true }
    expect(ownerClaimOf(org, { sub: 'u1', app_metadata: { org_id: 'acme' } })).toBe('acme')
    expect(ownerClaimOf(org, { sub: 'u1', app_metadata: { org_id: 7 } })).toBe('7')
    expect(ownerClaimOf(org, { sub: 'u1' })).toBeUndefined()
    expect(ownerClaimOf(org, { app_metadata: { org_id: '' } })).toBeUndefined()
    expect(ownerClaimOf(org, { app_metadata: { org_id: { nested: 1 } } })).toBeUndefined()
    expect(ownerClaimOf({ column: 'owner_id', claim: 'sub', many: false }, { sub: 'u1' })).toBe('u1')
  })

  it('names each inconsistent owner setting', () => {
    expect(problems({ access: 'owner' })).toEqual([expect.stringMatching(/collections\.mine\.owner: access "owner" needs an owner entry/)])
    expect(problems({ owner: { claim: 'sub' } })).toEqual([expect.stringMatching(/collections\.mine\.access: .*"public" means no owner/)])
    expect(problems({ access: 'service', owner: {} })).toEqual([expect.stringMatching(/collections\.mine\.access: .*service_role only/)])
    expect(problems({ access: 'owner', owner: { column: 'metadata' } })).toEqual([expect.stringMatching(/owner\.column: "metadata" is taken/)])
    expect(problems({ access: 'owner', owner: { column: 'title' }, columns: { title: 'text' } })).toEqual([
      expect.stringMatching(/owner\.column: "title" is taken/),
    ])
    expect(problems({ access: 'owner', owner: { claim: 'app_metadata.org-id' } }).join()).toMatch(/owner\.claim: must be a claim name/)
    expect(problems({ access: 'owner', owner: { claim: "sub'); drop table x; --" } }).join()).toMatch(/owner\.claim/)
  })
})

describe('projectEnvNames and localPorts', () => {
  const reg = parseRegistry(shipped)

  it('uses the names the registry gives, else VECPODS_<PROJECT>_*', () => {
    expect(projectEnvNames(reg, 'primary')).toEqual({
      dbUrl: 'SUPABASE_DB_URL',
      restUrl: 'SUPABASE_URL',
      serviceKey: 'SUPABASE_SERVICE_ROLE_KEY',
      anonKey: 'SUPABASE_ANON_KEY',
      jwtSecret: 'VECPODS_JWT_SECRET',
    })
    expect(projectEnvNames(reg, 'pod_b')).toEqual({
      dbUrl: 'VECPODS_POD_B_DB_URL',
      restUrl: 'VECPODS_POD_B_URL',
      serviceKey: 'VECPODS_POD_B_SERVICE_ROLE_KEY',
      anonKey: 'VECPODS_POD_B_ANON_KEY',
      jwtSecret: 'VECPODS_POD_B_JWT_SECRET',
    })
    expect(() => projectEnvNames(reg, 'pod_q')).toThrow(/unknown project/)
  })

  it('puts the primary on Supabase local ports and each pod 100 higher', () => {
    expect([...localPorts(reg).entries()]).toEqual([
      ['primary', { api: 54321, db: 54322, postgrest: 54329, functions: 54330 }],
      ['pod_a', { api: 54421, db: 54422, postgrest: 54429, functions: 54430 }],
      ['pod_b', { api: 54521, db: 54522, postgrest: 54529, functions: 54530 }],
      ['pod_c', { api: 54621, db: 54622, postgrest: 54629, functions: 54630 }],
    ])
    expect(localPorts(reg, 60000).get('pod_c')?.api).toBe(60300)
  })
})

describe('overlays', () => {
  const base = parseRegistry(shipped)
  const bench = { collections: { extra: { pod: 'pod_a', dims: base.model.dims, measure: 'l2' } } }

  it('add collections after the shipped ones, with defaults, and once only', () => {
    const merged = applyOverlay(base, parseOverlay(bench, 'o.json'), 'o.json')
    expect(Object.keys(merged.collections).at(-1)).toBe('extra')
    expect(merged.collections.extra!.index).toEqual({ method: 'hnsw', m: 16, efConstruction: 64 })
    expect(applyOverlay(merged, parseOverlay(bench, 'o.json'), 'o.json')).toEqual(merged)
    expect(overlaidCollections(base, merged)).toEqual(['extra'])
  })

  it('refuse a collection the registry declares differently, an unknown pod and a bad shape', () => {
    const clash = { collections: { docs: { pod: 'pod_b', dims: base.model.dims, measure: 'l2' } } }
    expect(() => applyOverlay(base, parseOverlay(clash, 'o.json'), 'o.json')).toThrow(
      /collections\.docs: the registry already declares this collection differently/,
    )
    const nowhere = { collections: { x: { pod: 'pod_z', dims: base.model.dims, measure: 'l2' } } }
    expect(() => applyOverlay(base, parseOverlay(nowhere, 'o.json'), 'o.json')).toThrow(/unknown pod "pod_z"/)
    expect(() => parseOverlay({ pods: {} }, 'o.json')).toThrow(RegistryError)
  })
})

describe('pod replicas', () => {
  it('need the sql transport, and foreignTablesFrom must name one of them', () => {
    const rest = problemsOf(variant((r) => Object.assign(r.pods.pod_c, { replicas: [{ name: 'r1' }] })))
    expect(rest).toEqual([{ path: 'pods.pod_c.replicas', message: expect.stringContaining('sql transport') }])
    const unknown = problemsOf(variant((r) => Object.assign(r.pods.pod_a, { foreignTablesFrom: 'r9' })))
    expect(unknown).toEqual([{ path: 'pods.pod_a.foreignTablesFrom', message: 'no replica "r9" on pod pod_a (replicas: r1)' }])
    const ok = parseRegistry(variant((r) => Object.assign(r.pods.pod_a, { foreignTablesFrom: 'r1' })))
    expect(ok.pods.pod_a).toMatchObject({ replicas: [{ name: 'r1' }], maxReplicaLagMs: 1000, foreignTablesFrom: 'r1' })
  })
})
