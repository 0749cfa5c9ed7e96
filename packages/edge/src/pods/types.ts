import type { Measure } from '@vecpods/registry'
import type { Predicate } from '../filters/index.ts'
import type { FusionSettings } from '../search/fusion.ts'

/**
 * One nearest-neighbour query against one collection on one pod, with every setting resolved by
 * the edge (transports apply no defaults of their own).
 */
export interface PodSearch {
  collection: string
  measure: Measure
  vector: number[]
  limit: number
  /** The filter as the edge lowered it once; each transport renders the same tree. */
  filter?: Predicate
  includeMetadata: boolean
  includeValue: boolean
  efSearch: number
  /** Bypass the vector index: exact nearest neighbours. */
  exact: boolean
  /** A signed-in caller's verified claims: the pod runs the query as that caller (its own rows only). */
  actAs?: Claims
  /** The collection's index holds binary-quantized vectors: the pod's search re-ranks its candidates. */
  quantized?: boolean
}

/** A verified JWT payload the pod's row-level security reads (`request.jwt.claims`). */
export type Claims = Record<string, unknown>

/**
 * A full-text or hybrid query against one collection (its pod's `vecpods.text_search`): without a
 * vector, rows matching any query word ranked by BM25; with one, that list and the nearest
 * neighbours, each `candidates` long, fused as `fusion` says.
 */
export interface PodTextSearch {
  collection: string
  query: string
  vector?: number[]
  limit: number
  filter?: Predicate
  includeMetadata: boolean
  includeValue: boolean
  efSearch: number
  fusion: FusionSettings
  /** Rows each arm contributes before fusion. */
  candidates: number
  actAs?: Claims
}

export interface PodHit {
  id: string
  /** Vector searches and hybrid hits from the vector arm (NaN when only the text arm found it). */
  distance: number
  /** Text and hybrid searches: the pod's score (BM25, or the fused score). */
  score?: number
  ranks?: { vector?: number; text?: number }
  metadata?: Record<string, unknown>
  value?: number[]
}

export interface PodRecord {
  id: string
  vector: number[]
  metadata: Record<string, unknown>
  /** The row's owner(s), given by service_role on a collection with owners. */
  owner?: string | string[]
}

/** A collection's catalog row on its pod. */
export interface CatalogRow {
  name: string
  dims: number
  measure: Measure
  model: string | null
  rows: number
}

/** How the edge reaches one pod. SQL (postgres.js) and PostgREST RPC both implement it. */
export interface PodClient {
  readonly pod: string
  /** The nearest rows, in the pod's order: HNSW's relaxed_order may swap neighbours; the caller sorts. */
  search(query: PodSearch): Promise<PodHit[]>
  /** Full-text or hybrid search, best first; `mode_unsupported` for a collection without full text. */
  textSearch(query: PodTextSearch): Promise<PodHit[]>
  /**
   * Upserts in one transaction; records the model on first write and refuses another. With
   * `actAs`, as that signed-in caller: the rows are owned by its claim, and another's are refused.
   */
  upsert(collection: string, model: string, records: PodRecord[], actAs?: Claims): Promise<number>
  /** Deletes; with `actAs`, only that caller's own rows. */
  deleteIds(collection: string, ids: string[], actAs?: Claims): Promise<number>
  deleteWhere(collection: string, filter: Predicate, actAs?: Claims): Promise<number>
  catalog(): Promise<CatalogRow[]>
  /** The model recorded for a collection by its first write; null while it is empty. */
  modelOf(collection: string): Promise<string | null>
  /**
   * How far a read replica is behind its pod, in ms of changes received but not replayed (0 when
   * it has replayed all it received, and for a pod that is not a replica; Infinity when it is not
   * streaming, so nobody can say). SQL transport only.
   */
  lagMs?(): Promise<number>
  /** Round-trip time of a trivial query, in milliseconds (bounded by the health deadline). */
  ping(): Promise<number>
  /**
   * Whether the pod answers at all, over a fresh connection with a short deadline (not the pool,
   * whose connections may all be stuck on a frozen pod): how a circuit breaker notices recovery.
   */
  probe(): Promise<void>
  close(): Promise<void>
}
