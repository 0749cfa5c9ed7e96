/** Bounds on request fields; the edge validates against them and the SDK documents them. */
export const REQUEST_BOUNDS = {
  /** Collections one search may fan out over. */
  maxCollections: 16,
  maxLimit: 100,
  defaultLimit: 10,
  maxQueryChars: 2000,
  maxVectorDims: 16000,
  maxEfSearch: 1000,
  maxIdChars: 256,
  maxTextChars: 8000,
  /** Ids one delete may name. */
  maxDeleteIds: 1000,
  maxModelChars: 200,
  maxCollectionNameChars: 64,
} as const

/** What a search returns of each hit besides id and score. */
export interface Include {
  /** Default true. */
  metadata?: boolean
  /** The stored vector (default false). */
  value?: boolean
}

/**
 * How a search ranks rows: `vector` (nearest neighbours), `text` (full text: rows matching any
 * query word, ranked by Okapi BM25), `hybrid` (both, fused).
 */
export type SearchMode = 'vector' | 'text' | 'hybrid'

/**
 * How a hybrid search fuses its two arms (each `candidates` rows long):
 * - `convex` (default): each arm's scores min-max normalised over its candidates, then
 *   `vector_weight · vector + text_weight · text` (a row absent from an arm adds 0 for it);
 * - `rrf`: reciprocal rank fusion, `vector_weight / (k + vector rank) + text_weight / (k + text rank)`.
 *
 * With either, the first hit of each arm is kept in the fused top 3: a row one arm is most sure
 * of is never buried by rows that are middling in both.
 */
export type FusionMethod = 'convex' | 'rrf'

export interface HybridOptions {
  /** Default `convex`. */
  method?: FusionMethod
  /** RRF's rank constant (rrf only; default 2). */
  k?: number
  /** Default 0.4 (convex), 1 (rrf). */
  vector_weight?: number
  /** Default 0.6 (convex), 1.5 (rrf). */
  text_weight?: number
}

/**
 * The fusion defaults, chosen by `pnpm eval:fusion` on the development split of the eval's
 * questions only (BENCHMARKS.md); the test split reports them. The edge, the pods'
 * `vecpods.text_search` and the primary's `hybrid_<name>` use the same.
 */
export const FUSION_DEFAULTS = {
  method: 'convex',
  convex: { vector_weight: 0.4, text_weight: 0.6 },
  rrf: { k: 2, vector_weight: 1, text_weight: 1.5 },
} as const satisfies { method: FusionMethod; convex: { vector_weight: number; text_weight: number }; rrf: Required<Omit<HybridOptions, 'method'>> }

/** How many of each arm's first hits the fused list always keeps in its top 3. */
export const FUSION_KEEPS_TOP = 3

/**
 * `POST /search`: one of `collection` / `collections`. Mode `vector` (default) takes one of
 * `query` / `vector`; `text` takes `query`; `hybrid` takes `query` and, optionally, the `vector`
 * to use for its vector arm (else the query is embedded).
 */
export interface SearchRequest {
  collection?: string
  collections?: string[]
  /** Text the edge embeds with the deployment's model. */
  query?: string
  vector?: number[]
  /** Hits to return (default 10, at most 100). */
  limit?: number
  /** A vecs-style metadata filter (`$eq $ne $gt $gte $lt $lte $in $nin $contains $exists $and $or`). */
  filters?: Record<string, unknown>
  include?: Include
  /** HNSW candidate list size for this query (default: the collection's pod's `efSearch`). */
  ef_search?: number
  /** Scan every row instead of the vector index: exact results, slower (default false). */
  exact?: boolean
  /** The model a given vector comes from (default: the deployment's). */
  model?: string
  /**
   * Maximal marginal relevance: fetch `fetch_k` nearest hits (default 4 × limit, at most 100), then
   * pick `limit` of them trading relevance against redundancy (`lambda` 1: relevance only, 0:
   * diversity only; default 0.5).
   */
  mmr?: { lambda?: number; fetch_k?: number }
  /** Default `vector`; `text` and `hybrid` need collections with full text (registry `fullText`). */
  mode?: SearchMode
  /** Fusion settings of a `hybrid` search. */
  hybrid?: HybridOptions
}

/** One record of `POST /collections/:name/records`: exactly one of `text` / `vector`. */
export interface UpsertRecordBody {
  id: string
  text?: string
  vector?: number[]
  metadata?: Record<string, unknown>
  /**
   * Who owns the row, on a collection with owners (registry `access: "owner"`): service_role only,
   * and required from it (a string, or an array for an owner array). A signed-in user's rows are
   * owned by the user's own claim; sending `owner` as a user is refused (403 \`forbidden\`).
   */
  owner?: string | string[]
}

export interface UpsertRequest {
  records: UpsertRecordBody[]
  model?: string
}

/** `DELETE /collections/:name/records`: exactly one of `ids` / `filters` (non-empty). */
export interface DeleteRequest {
  ids?: string[]
  filters?: Record<string, unknown>
}
