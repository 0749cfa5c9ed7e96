import type { Measure } from './schema.ts'

/**
 * What each distance measure is in pgvector, written once for the edge, the code generator and
 * the benchmark. The index serves `ORDER BY vec <operator> $q ASC LIMIT k` only when its operator
 * class matches the operator. Scores are `offset − distance`, so higher is closer everywhere:
 * cosine similarity (1 − cosine distance), the inner product (pgvector's `<#>` is its negative)
 * and −L2 distance.
 */
export const MEASURE_SQL = {
  cosine: { operator: '<=>', opclass: 'vector_cosine_ops', scoreOffset: 1 },
  l2: { operator: '<->', opclass: 'vector_l2_ops', scoreOffset: 0 },
  inner_product: { operator: '<#>', opclass: 'vector_ip_ops', scoreOffset: 0 },
} as const satisfies Record<Measure, { operator: string; opclass: string; scoreOffset: number }>

/** pgvector's default `hnsw.ef_search`, for measurements that compare against it. */
export const PGVECTOR_EF_SEARCH = 40

/** The schema-qualified distance operator, as SQL text: `operator(extensions.<=>)`. */
export const distanceOperator = (measure: Measure): string => `operator(extensions.${MEASURE_SQL[measure].operator})`

/** The schema-qualified operator class of the measure's vector index. */
export const opclassOf = (measure: Measure): string => `extensions.${MEASURE_SQL[measure].opclass}`

/** A pgvector distance as a score (higher is closer). */
export const scoreOf = (measure: Measure, distance: number): number => MEASURE_SQL[measure].scoreOffset - distance

/** The same score as a SQL expression over a distance expression. */
export const scoreSql = (measure: Measure, distance: string): string => {
  const offset = MEASURE_SQL[measure].scoreOffset
  return offset === 0 ? `-(${distance})` : `${offset} - (${distance})`
}
