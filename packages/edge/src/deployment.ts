import { REQUEST_BOUNDS } from '@vecpods/protocol'
import type { Collection } from '@vecpods/registry'
import { collectionEfSearch, ownerClaimOf } from '@vecpods/registry'
import { asCaller, type Caller, type Role } from './auth.ts'
import type { EdgeConfig } from './config.ts'
import { queryCache } from './embed/query-cache.ts'
import type { OfflineKind } from './embed/types.ts'
import { VecpodsError } from './errors.ts'
import { filterCost, lowerFilter, type Predicate, parseFilter } from './filters/index.ts'
import { isDeadline } from './pods/deadline.ts'
import { isReplicaFailure } from './pods/pod-errors.ts'
import { podShare } from './pods/share.ts'
import type { Claims, PodClient } from './pods/types.ts'

/** A collection a request may use, with the pod client that holds it. */
export interface Target {
  name: string
  col: Collection
  pod: PodClient
  /** On a collection with owners, the signed-in caller the pod acts for (its own rows only). */
  actAs?: Claims
  /** The public caller the search counts against in its pod's share (none: service_role). */
  caller?: string
}

/** The settings one search runs with, every default resolved here and nowhere else. */
export interface SearchSettings {
  efSearch: number
  exact: boolean
}

/**
 * What the routes know about this deployment: which collections exist and who may use them, the
 * pod of each, the embedding model and what each collection was filled with. Built once per app.
 */
export interface Deployment {
  /**
   * The collection by name, if the caller may read it; 404 `unknown_collection` / 403 `forbidden`.
   * A collection with owners needs a signed-in caller with the owner claim (or service_role).
   */
  target(name: string, who: Role | Caller): Target
  /** The same for writes: service_role, or a signed-in caller on a collection with owners. */
  writeTarget(name: string, who: Role | Caller): Target
  /** Collections the role may see, in registry order. */
  visible(role: Role): [string, Collection][]
  /** The model vectors without a `model` field are taken to come from. */
  readonly model: string
  readonly embedderInfo: { model: string; kind: string } | null
  /** Which generated offline model `model` is (static word vectors or lexical), if it is one. */
  offlineKind(model: string): OfflineKind | undefined
  /**
   * Runs a read on a healthy read replica of the target's pod when it has one close enough
   * behind, else (and when the replica fails to answer) on the pod; says which served it. After
   * this function wrote to a pod, its reads of that pod stay on the pod for the pod's
   * `maxReplicaLagMs`, so a client reads its own writes.
   */
  read<T>(target: Target, work: (pod: PodClient) => Promise<T>): Promise<{ value: T; servedBy: string }>
  /**
   * A vecs-style filter, validated and lowered once; undefined for none or `{}`. For a caller that
   * is not service_role, 400 `limit_exceeded` when it costs more than `publicLimits.filter` allows.
   */
  filter(filters: Record<string, unknown> | undefined, role?: Role): Predicate | undefined
  /** The model of a request's vectors; text is always embedded by the deployment's model. */
  modelOfRequest(requested: string | undefined, hasText: boolean): string
  embedQuery(text: string): Promise<number[]>
  embedTexts(texts: string[]): Promise<number[][]>
  /** Text records one request may carry (the embedder's CPU budget), if bounded. */
  readonly maxTextsPerRequest: number | undefined
  /**
   * 400 `dimension_mismatch` unless the vector fits the collection; 400 `invalid_request` for a
   * zero vector on a cosine collection (it has no direction: every distance would be NaN).
   */
  checkVector(target: Target, vector: number[], at: string): void
  /**
   * 400 `limit_exceeded` when a caller that is not service_role asks for more than the registry's
   * `publicLimits` allow (collections per search, `ef_search`, `exact`, `include.value`).
   */
  checkSearchLimits(role: Role, req: { collections?: string[] | undefined; ef_search?: number | undefined; exact: boolean; include: { value: boolean } }): void
  /**
   * The largest body a role may send, in bytes; for a search, callers that are not service_role get
   * what the largest search the public limits allow can take (a vector of the widest collection, a
   * query, a filter within `publicLimits.filter`), so a bigger one is refused by its length, unread.
   */
  maxBodyBytes(role: Role, route?: 'search'): number
  /** 409 `model_mismatch` when the collection holds another model's vectors. */
  checkModel(target: Target, model: string): Promise<void>
  /** Records a write to the target's pod (reads of it then stay on the pod for a while). */
  wrote(target: Target): void
  /** Remembers the model a successful write recorded. */
  filled(target: Target, model: string): void
  /** Index settings of one search: the request's, else the collection's for the query's model, else its pod's. */
  searchSettings(target: Target, requested: { ef_search?: number | undefined; exact: boolean }, queryModel?: string): SearchSettings
}

export function deployment(config: EdgeConfig): Deployment {
  const { registry, pods, embedder } = config
  const model = embedder?.model ?? registry.model.id
  const cachedQuery = embedder ? queryCache(embedder) : undefined
  /** The model each collection was filled with, once known (it never changes while it has rows). */
  const filledWith = new Map<string, string>()
  /** When this function last wrote to each pod (read-your-writes with replicas). */
  const lastWrite = new Map<string, number>()
  /** Each pod's share for public searches (registry publicLimits.podShare). */
  const share = podShare(registry.publicLimits.podShare)

  const limits = registry.publicLimits
  /**
   * The largest public search body: its structure, a query of the most characters at 6 bytes each
   * (JSON's \u escapes), the filter's strings twice over (quotes and escapes) and 64 bytes of
   * structure per comparison, and a vector of the widest collection at 26 bytes a number.
   */
  const publicSearchBytes =
    4096 +
    REQUEST_BOUNDS.maxQueryChars * 6 +
    2 * limits.filter.maxBytes +
    64 * limits.filter.maxComparisons +
    26 * Math.max(0, ...Object.values(registry.collections).map((c) => c.dims))
  /** The model failing (not loading, say) is the service being unavailable, not the request's fault. */
  const modelFailed = (error: unknown): never => {
    if (error instanceof VecpodsError) throw error
    throw new VecpodsError('service_unavailable', `the embedding model is not available: ${(error as Error).message}`, { cause: error })
  }
  const noModel = () => new VecpodsError('invalid_request', 'this deployment has no embedding model configured: send "vector" instead of text')
  /** A model can return NaN (say, for a text of nothing it knows); pgvector would refuse it. */
  const usable = (vector: number[], what: string) => {
    if (!vector.every(Number.isFinite)) throw new VecpodsError('invalid_request', `${what}: the model gives no usable vector for this text`)
    return vector
  }
  /** The collection on the pod the placement catalog names: it wins over the registry (a move switches a collection at run time). */
  const placedAt = (name: string, col: Collection): Collection => {
    const placed = config.placement?.podOf(name)
    return placed && placed !== col.pod ? { ...col, pod: placed } : col
  }
  const target = (name: string, who: Role | Caller): Target => {
    const { role, claims, key } = asCaller(who)
    const col = Object.hasOwn(registry.collections, name) ? registry.collections[name] : undefined
    if (!col) throw new VecpodsError('unknown_collection', `no collection "${name}" (known: ${Object.keys(registry.collections).join(', ')})`)
    if (col.access === 'service' && role !== 'service_role') {
      throw new VecpodsError('forbidden', `collection "${name}" is readable by service_role only`)
    }
    let actAs: Claims | undefined
    if (col.owner && role !== 'service_role') {
      if (role !== 'authenticated') {
        throw new VecpodsError('forbidden', `collection "${name}" holds rows that belong to signed-in users: send a user's JWT, not the anon key`)
      }
      if (ownerClaimOf(col.owner, claims) === undefined) {
        throw new VecpodsError('forbidden', `collection "${name}" keys its rows on the "${col.owner.claim}" claim, which this JWT does not carry`)
      }
      actAs = claims
    }
    const where = placedAt(name, col)
    const pod = pods.get(where.pod)
    if (!pod) throw new VecpodsError('pod_unavailable', `pod "${where.pod}" is not configured`)
    return { name, col: where, pod, ...(actAs ? { actAs } : {}), ...(key !== undefined ? { caller: key } : {}) }
  }

  return {
    target,
    writeTarget(name, who) {
      const { role } = asCaller(who)
      const col = Object.hasOwn(registry.collections, name) ? registry.collections[name] : undefined
      if (role !== 'service_role' && !(role === 'authenticated' && col?.owner)) {
        throw new VecpodsError('forbidden', 'writes need the service_role key (or, on a collection with owners, a signed-in user)')
      }
      return target(name, who)
    },
    visible: (role) =>
      Object.entries(registry.collections)
        .filter(([, col]) => col.access === 'public' || role === 'service_role' || (col.access === 'owner' && role === 'authenticated'))
        .map(([name, col]): [string, Collection] => [name, placedAt(name, col)]),
    model,
    embedderInfo: embedder ? { model: embedder.model, kind: embedder.kind } : null,
    wrote: (t) => void lastWrite.set(t.col.pod, performance.now()),
    async read(t, work) {
      const recent = performance.now() - (lastWrite.get(t.col.pod) ?? Number.NEGATIVE_INFINITY) < (registry.pods[t.col.pod]?.maxReplicaLagMs ?? 0)
      const replica = recent ? undefined : config.replicas?.get(t.col.pod)?.pick()
      if (replica) {
        try {
          return { value: await share.run(replica.name, t.caller, () => work(replica.client)), servedBy: replica.name }
        } catch (error) {
          // A replica that is down or gave no answer at all: the pod answers instead, and the breaker
          // keeps the replica out meanwhile. A query the replica itself cancelled (its statement
          // timeout) is the request's own cost: the pod would spend the same again, so it answers 504.
          if (!isReplicaFailure(error)) throw error
          // Past the edge's deadline a replica may be frozen, or only late to cancel a costly query
          // (a busy machine delays the cancel past the deadline): one that answers a probe was busy
          // with this request's own cost, which the pod would spend again.
          if (
            isDeadline(error) &&
            (await replica.client.probe().then(
              () => true,
              () => false,
            ))
          )
            throw error
        }
      }
      return { value: await share.run(t.col.pod, t.caller, () => work(t.pod)), servedBy: t.col.pod }
    },
    offlineKind: (m) => (embedder && embedder.kind !== 'semantic' && m === embedder.model ? embedder.kind : undefined),
    filter(filters, role = 'service_role') {
      if (!filters || Object.keys(filters).length === 0) return undefined
      const parsed = parseFilter(filters)
      if (role !== 'service_role') {
        const cost = filterCost(parsed)
        const bound = limits.filter
        const over = (what: string) => {
          throw new VecpodsError(
            'limit_exceeded',
            `filters: ${what} for ${role} callers (registry publicLimits.filter); use the service_role key on a server for more`,
          )
        }
        if (cost.comparisons > bound.maxComparisons) over(`${cost.comparisons} comparisons, at most ${bound.maxComparisons} (each $in / $nin value counts)`)
        if (cost.depth > bound.maxDepth) over(`nested ${cost.depth} levels, at most ${bound.maxDepth}`)
        if (cost.bytes > bound.maxBytes) over(`${cost.bytes} bytes of keys and strings, at most ${bound.maxBytes}`)
      }
      return lowerFilter(parsed)
    },
    modelOfRequest(requested, hasText) {
      if (hasText && requested !== undefined && requested !== model) {
        throw new VecpodsError('model_mismatch', `text is embedded with "${model}" here, not "${requested}"`)
      }
      return requested ?? model
    },
    async embedQuery(text) {
      if (!cachedQuery) throw noModel()
      return usable(await cachedQuery(text).catch(modelFailed), 'query')
    },
    maxTextsPerRequest: embedder?.maxTextsPerRequest,
    async embedTexts(texts) {
      if (!embedder) throw noModel()
      return (await embedder.embed(texts).catch(modelFailed)).map((v, i) => usable(v, `records (text ${i})`))
    },
    checkVector({ name, col }, vector, at) {
      if (vector.length !== col.dims) {
        throw new VecpodsError('dimension_mismatch', `${at}: collection "${name}" takes ${col.dims} dimensions, got ${vector.length}`)
      }
      if (col.measure === 'cosine' && vector.every((x) => x === 0)) {
        throw new VecpodsError('invalid_request', `${at}: a zero vector has no direction, so collection "${name}" (cosine) cannot compare it`)
      }
    },
    checkSearchLimits(role, req) {
      if (role === 'service_role') return
      const over = (what: string) => {
        throw new VecpodsError('limit_exceeded', `${what} for ${role} callers (registry publicLimits); use the service_role key on a server for more`)
      }
      if ((req.collections?.length ?? 1) > limits.maxCollections) over(`at most ${limits.maxCollections} collections per search`)
      if (req.ef_search !== undefined && req.ef_search > limits.maxEfSearch) over(`ef_search is limited to ${limits.maxEfSearch}`)
      if (req.exact && !limits.exact) over('exact search is not allowed')
      if (req.include.value && !limits.includeValue) over('include.value is not allowed')
    },
    maxBodyBytes: (role, route) =>
      role === 'service_role'
        ? config.limits.maxBodyBytes
        : Math.min(limits.maxBodyBytes, config.limits.maxBodyBytes, route === 'search' ? publicSearchBytes : Number.POSITIVE_INFINITY),
    async checkModel({ name, pod }, wanted) {
      let recorded = filledWith.get(name)
      if (recorded === undefined) {
        const fromPod = await pod.modelOf(name)
        if (fromPod === null) return
        recorded = fromPod
        filledWith.set(name, recorded)
      }
      if (recorded !== wanted) throw new VecpodsError('model_mismatch', `collection "${name}" holds "${recorded}" embeddings, not "${wanted}"`)
    },
    filled: ({ name }, m) => void filledWith.set(name, m),
    searchSettings: ({ col }, requested, queryModel) => ({
      efSearch: requested.ef_search ?? collectionEfSearch(registry, col, queryModel),
      exact: requested.exact,
    }),
  }
}
