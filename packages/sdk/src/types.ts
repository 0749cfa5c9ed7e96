import type { Filter } from './filters.ts'

/** A collection's metadata: its fields by name. */
export type Metadata = Record<string, unknown>

/**
 * Collection name → metadata type. `pnpm gen` writes one for the registry (`vecpods.types.ts`);
 * without it every collection name is allowed and metadata is loosely typed.
 */
export type Collections = Record<string, Metadata>

export interface SearchHit<C extends Collections, K extends keyof C & string = keyof C & string> {
  id: string
  /** Higher is closer: 1 − cosine distance, −L2 distance or the inner product, by the collection's measure. */
  score: number
  collection: K
  pod: string
  metadata: C[K]
  value?: number[]
}

/** One result per collection it came from: narrowing on `collection` narrows `metadata`. */
export type SearchHitOf<C extends Collections, K extends keyof C & string> = { [P in K]: SearchHit<C, P> }[K]

export interface SearchMeta {
  pods: string[]
  model: string
  took_ms: number
  /** Set when the results come from the offline lexical model (shared words, not meaning). */
  lexical?: true
  /** Set when some pods did not answer: the results are those of the others. */
  partial?: true
  errors?: Array<{ collection: string; code: string; message: string }>
}

interface SearchCommon {
  limit?: number
  include?: { metadata?: boolean; value?: boolean }
  ef_search?: number
  exact?: boolean
  /** The model the given vector comes from (default: the deployment's). */
  model?: string
  signal?: AbortSignal
  /** Gives up after this many ms, retries included (default 15000). */
  timeoutMs?: number
}

export type SearchOptions<C extends Collections, K extends keyof C & string> = SearchCommon &
  ({ collection: K; collections?: never; filters?: Filter<C[K]> } | { collections: readonly K[]; collection?: never; filters?: Filter<C[K]> })

/** What every SDK call resolves to, as in supabase-js: data or an error, never both. */
export type Result<T, Extra = object> = ({ data: T; error: null } & Extra) | ({ data: null; error: import('./errors.ts').VecpodsError } & { [P in keyof Extra]: null })

export type SearchResult<C extends Collections, K extends keyof C & string> = Result<SearchHitOf<C, K>[], { meta: SearchMeta }>
