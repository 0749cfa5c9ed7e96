import type { HybridOptions, Include, SearchMeta, SearchMode, SearchRequest, SearchHit as WireSearchHit } from '@vecpods/protocol'
import type { VecpodsError } from './errors.ts'
import type { Filter } from './filters.ts'

export type { HybridOptions, SearchMeta, SearchMode }

/** A collection's metadata: its fields by name. */
export type Metadata = Record<string, unknown>

/**
 * Collection name → metadata type. `pnpm gen` writes one for the registry (`vecpods.types.ts`);
 * without it every collection name is allowed and metadata is loosely typed.
 */
export type Collections = Record<string, Metadata>

/** The wire contract's hit, narrowed to one collection of `C`. */
export interface SearchHit<C extends Collections, K extends keyof C & string = keyof C & string> extends WireSearchHit {
  collection: K
  metadata: C[K]
}

/** One result per collection it came from: narrowing on `collection` narrows `metadata`. */
export type SearchHitOf<C extends Collections, K extends keyof C & string> = { [P in K]: SearchHit<C, P> }[K]

/** The search settings of the wire contract, plus the call's own. */
interface SearchCommon extends Pick<SearchRequest, 'limit' | 'ef_search' | 'exact' | 'model' | 'mmr' | 'mode' | 'hybrid'> {
  /** Mode `hybrid` only: the vector for the vector arm, instead of embedding the text query. */
  vector?: readonly number[]
  include?: Include
  signal?: AbortSignal
  /** Gives up after this many ms, retries included (default: the client's `timeoutMs`, else 15000). */
  timeoutMs?: number
}

export type SearchOptions<C extends Collections, K extends keyof C & string> = SearchCommon &
  ({ collection: K; collections?: never; filters?: Filter<C[K]> } | { collections: readonly K[]; collection?: never; filters?: Filter<C[K]> })

/** A call that succeeded: its data (and extras such as `meta`), no error. */
export type Success<T, Extra = object> = { data: T; error: null } & Extra

/** What every SDK call resolves to, as in supabase-js: data or an error, never both. */
export type Result<T, Extra = object> = Success<T, Extra> | ({ data: null; error: VecpodsError } & { [P in keyof Extra]: null })

/** A call's result: a `Result`, or only its success side on a client made with `throwOnError()`. */
export type Outcome<T, Extra, Throws extends boolean> = Throws extends true ? Success<T, Extra> : Result<T, Extra>

export type SearchResult<C extends Collections, K extends keyof C & string, Throws extends boolean = false> = Outcome<
  SearchHitOf<C, K>[],
  { meta: SearchMeta },
  Throws
>
