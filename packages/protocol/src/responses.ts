import type { ErrorCode } from './errors.ts'
import type { SearchMode } from './requests.ts'

/** One search result. */
export interface SearchHit {
  id: string
  /**
   * Higher is better. Vector searches: 1 − cosine distance, −L2 distance or the inner product, by
   * the collection's measure; text: the Okapi BM25 score; hybrid: the fused score (convex or RRF).
   */
  score: number
  collection: string
  pod: string
  metadata?: Record<string, unknown>
  value?: number[]
  /** Hybrid searches: the hit's rank in each arm of its collection (absent: not in that arm's candidates). */
  ranks?: { vector?: number; text?: number }
}

/** A collection a fan-out could not reach, and why. */
export interface PartialError {
  collection: string
  code: ErrorCode
  message: string
}

export interface SearchMeta {
  pods: string[]
  /** How the hits were ranked. */
  mode: SearchMode
  /** Which pod (`pod_a`) or read replica (`pod_a/r1`) answered for each collection that answered. */
  served_by: Record<string, string>
  /** The model of the query vector (absent in text mode, which uses none). */
  model?: string
  /** Time spent inside the function, in ms. */
  took_ms: number
  /**
   * Set when the query was embedded by a generated offline model, not a semantic one: `static`
   * (word vectors plus shared words) or `lexical` (shared words only).
   */
  offline_model?: 'static' | 'lexical'
  /** Set with `offline_model: 'lexical'` (kept for clients written before the static model). */
  lexical?: true
  /** Set when some pods did not answer: the results are those of the others. */
  partial?: true
  errors?: PartialError[]
}

export interface SearchResponse {
  data: SearchHit[]
  meta: SearchMeta
}

export interface UpsertResponse {
  data: { upserted: number }
  meta: { pod: string; model: string }
}

export interface DeleteResponse {
  data: { deleted: number }
  meta: { pod: string }
}

/** One entry of `GET /collections`. */
export interface CollectionInfo {
  name: string
  pod: string
  dims: number
  measure: string
  index: Record<string, unknown>
  /** `owner`: a signed-in caller sees and writes its own rows only. */
  access: 'public' | 'owner' | 'service'
  columns: Record<string, string>
  /** The model that filled it; null while empty or when its pod did not answer. */
  model: string | null
  rows: number | null
  available: boolean
}

export interface CollectionsResponse {
  data: CollectionInfo[]
  meta: { model: string; embedder: { model: string; kind: string } | null }
}

export interface HealthResponse {
  status: 'ok' | 'degraded'
  pods: Record<string, { ok: true; latency_ms: number } | { ok: false; error: ErrorCode }>
}
