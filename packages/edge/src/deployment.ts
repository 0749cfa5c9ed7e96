import type { Collection } from '../../registry/src/index.ts'
import { efSearchOf } from '../../registry/src/index.ts'
import type { Role } from './auth.ts'
import type { EdgeConfig } from './config.ts'
import { queryCache } from './embed/query-cache.ts'
import { VecpodsError } from './errors.ts'
import { lowerFilter, type Predicate, parseFilter } from './filters/index.ts'
import type { PodClient } from './pods/types.ts'

/** A collection a request may use, with the pod client that holds it. */
export interface Target {
  name: string
  col: Collection
  pod: PodClient
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
  /** The collection by name, if the role may read it; 404 `unknown_collection` / 403 `forbidden`. */
  target(name: string, role: Role): Target
  /** The same for writes, which need the service role. */
  writeTarget(name: string, role: Role): Target
  /** Collections the role may see, in registry order. */
  visible(role: Role): [string, Collection][]
  /** The model vectors without a `model` field are taken to come from. */
  readonly model: string
  readonly embedderInfo: { model: string; kind: string } | null
  /** True when `model` is the generated offline lexical model (results match words, not meaning). */
  isLexical(model: string): boolean
  /** A vecs-style filter, validated and lowered once; undefined for none or `{}`. */
  filter(filters: Record<string, unknown> | undefined): Predicate | undefined
  /** The model of a request's vectors; text is always embedded by the deployment's model. */
  modelOfRequest(requested: string | undefined, hasText: boolean): string
  embedQuery(text: string): Promise<number[]>
  embedTexts(texts: string[]): Promise<number[][]>
  /** 400 `dimension_mismatch` unless the vector fits the collection. */
  checkDims(target: Target, vector: number[], at: string): void
  /** 409 `model_mismatch` when the collection holds another model's vectors. */
  checkModel(target: Target, model: string): Promise<void>
  /** Remembers the model a successful write recorded. */
  filled(target: Target, model: string): void
  searchSettings(target: Target, requested: { ef_search?: number | undefined; exact: boolean }): SearchSettings
}

export function deployment(config: EdgeConfig): Deployment {
  const { registry, pods, embedder } = config
  const model = embedder?.model ?? registry.model.id
  const cachedQuery = embedder ? queryCache(embedder) : undefined
  /** The model each collection was filled with, once known (it never changes while it has rows). */
  const filledWith = new Map<string, string>()

  const noModel = () => new VecpodsError('invalid_request', 'this deployment has no embedding model configured: send "vector" instead of text')
  /** A model can return NaN (say, for a text of nothing it knows); pgvector would refuse it. */
  const usable = (vector: number[], what: string) => {
    if (!vector.every(Number.isFinite)) throw new VecpodsError('invalid_request', `${what}: the model gives no usable vector for this text`)
    return vector
  }
  const target = (name: string, role: Role): Target => {
    const col = Object.hasOwn(registry.collections, name) ? registry.collections[name] : undefined
    if (!col) throw new VecpodsError('unknown_collection', `no collection "${name}" (known: ${Object.keys(registry.collections).join(', ')})`)
    if (col.access === 'service' && role !== 'service_role') {
      throw new VecpodsError('forbidden', `collection "${name}" is readable by service_role only`)
    }
    const pod = pods.get(col.pod)
    if (!pod) throw new VecpodsError('pod_unavailable', `pod "${col.pod}" is not configured`)
    return { name, col, pod }
  }

  return {
    target,
    writeTarget(name, role) {
      if (role !== 'service_role') throw new VecpodsError('forbidden', 'writes need the service_role key')
      return target(name, role)
    },
    visible: (role) => Object.entries(registry.collections).filter(([, col]) => col.access === 'public' || role === 'service_role'),
    model,
    embedderInfo: embedder ? { model: embedder.model, kind: embedder.kind } : null,
    isLexical: (m) => embedder?.kind === 'lexical' && m === embedder.model,
    filter: (filters) => (filters && Object.keys(filters).length > 0 ? lowerFilter(parseFilter(filters)) : undefined),
    modelOfRequest(requested, hasText) {
      if (hasText && requested !== undefined && requested !== model) {
        throw new VecpodsError('model_mismatch', `text is embedded with "${model}" here, not "${requested}"`)
      }
      return requested ?? model
    },
    async embedQuery(text) {
      if (!cachedQuery) throw noModel()
      return usable(await cachedQuery(text), 'query')
    },
    async embedTexts(texts) {
      if (!embedder) throw noModel()
      return (await embedder.embed(texts)).map((v, i) => usable(v, `records (text ${i})`))
    },
    checkDims({ name, col }, vector, at) {
      if (vector.length !== col.dims) {
        throw new VecpodsError('dimension_mismatch', `${at}: collection "${name}" takes ${col.dims} dimensions, got ${vector.length}`)
      }
    },
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
    searchSettings: ({ col }, requested) => ({ efSearch: requested.ef_search ?? efSearchOf(registry, col.pod), exact: requested.exact }),
  }
}
