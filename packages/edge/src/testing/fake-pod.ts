import { VecpodsError } from '../errors.ts'
import type { CatalogRow, Claims, PodClient, PodHit, PodRecord, PodSearch, PodTextSearch } from '../pods/types.ts'

/** A PodClient in memory, for in-process tests of the app: it records calls and answers as told. */
export interface FakePod extends PodClient {
  searches: PodSearch[]
  textSearches: PodTextSearch[]
  upserts: Array<{ collection: string; model: string; records: PodRecord[]; actAs?: Claims }>
  deletes: Array<{ collection: string; ids?: string[]; actAs?: Claims }>
  modelLookups: number
  /** Hits each search returns, by collection (distances as pgvector reports them). */
  hits: Map<string, PodHit[]>
  models: Map<string, string | null>
  /** When set, every call fails with it. */
  failure: Error | undefined
  /** When set, how `probe` answers instead (null: it succeeds), as a healthy pod under one slow query. */
  probeFailure?: Error | null
}

export function fakePod(pod: string, collections: string[]): FakePod {
  const fail = (self: FakePod) => {
    if (self.failure) throw self.failure
  }
  const self: FakePod = {
    pod,
    searches: [],
    textSearches: [],
    upserts: [],
    deletes: [],
    modelLookups: 0,
    hits: new Map(collections.map((c) => [c, []])),
    models: new Map(collections.map((c) => [c, null])),
    failure: undefined,
    async search(q) {
      fail(self)
      self.searches.push(q)
      return (self.hits.get(q.collection) ?? []).slice(0, q.limit)
    },
    // Full text: the collection's hits whose metadata text shares a word with the query, by shared words.
    async textSearch(q) {
      fail(self)
      self.textSearches.push(q)
      const words = new Set(q.query.toLowerCase().split(/\W+/).filter(Boolean))
      const scored = (self.hits.get(q.collection) ?? []).map((h) => ({
        h,
        s: String(h.metadata?.text ?? '')
          .toLowerCase()
          .split(/\W+/)
          .filter((w) => words.has(w)).length,
      }))
      return scored
        .filter((x) => x.s > 0)
        .sort((a, b) => b.s - a.s)
        .slice(0, q.limit)
        .map(({ h, s }, i) => ({ ...h, score: q.vector ? 1 / (q.fusion.k + i + 1) : s, ...(q.vector ? { ranks: { text: i + 1 } } : {}) }))
    },
    async upsert(collection, model, records, actAs) {
      fail(self)
      const recorded = self.models.get(collection)
      if (recorded && recorded !== model) throw new VecpodsError('model_mismatch', `collection "${collection}" holds "${recorded}"`)
      self.models.set(collection, model)
      self.upserts.push({ collection, model, records, ...(actAs ? { actAs } : {}) })
      return records.length
    },
    async deleteIds(collection, ids, actAs) {
      fail(self)
      self.deletes.push({ collection, ids, ...(actAs ? { actAs } : {}) })
      return ids.length
    },
    async deleteWhere(collection, _, actAs) {
      fail(self)
      self.deletes.push({ collection, ...(actAs ? { actAs } : {}) })
      return 0
    },
    async catalog() {
      fail(self)
      return [...self.models].map(([name, model]): CatalogRow => ({ name, dims: 3, measure: 'cosine', model, rows: self.hits.get(name)?.length ?? 0 }))
    },
    async modelOf(collection) {
      fail(self)
      self.modelLookups++
      return self.models.get(collection) ?? null
    },
    async ping() {
      fail(self)
      return 0.5
    },
    async probe() {
      if (self.probeFailure !== undefined) {
        if (self.probeFailure) throw self.probeFailure
        return
      }
      fail(self)
    },
    async close() {},
  }
  return self
}

/** pod_a's connection refused, as the SQL transport reports it. */
export const podDown = (pod: string) => new VecpodsError('pod_unavailable', `pod "${pod}" is unavailable (ECONNREFUSED)`)

/** A pod that did not answer within its deadline. */
export const podTimeout = (pod: string) => new VecpodsError('timeout', `pod "${pod}" did not answer in time`)
