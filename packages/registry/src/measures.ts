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

/** What a collection's vector index indexes and with which operator class. */
export interface IndexedForm {
  /** The indexed expression over column `vec` (`vec`, or its binary quantization). */
  expression: string
  /** The operator class, unqualified (`vector_cosine_ops`, `halfvec_l2_ops`, `bit_hamming_ops`). */
  opclass: string
}

/**
 * The vector index's expression and operator class for a collection's measure, storage and
 * quantization: `vec` with the storage's ops, or `binary_quantize(vec)::bit(dims)` with Hamming ops.
 */
export function indexedForm(
  col: { measure: Measure; dims: number; storage?: 'vector' | 'halfvec'; quantization?: 'none' | 'binary' },
  column = 'vec',
): IndexedForm {
  if (col.quantization === 'binary') return { expression: binaryQuantized(column, col.dims), opclass: 'bit_hamming_ops' }
  const ops = MEASURE_SQL[col.measure].opclass
  return { expression: column, opclass: col.storage === 'halfvec' ? ops.replace(/^vector_/, 'halfvec_') : ops }
}

/** A vector expression's binary quantization, as the bit index holds it. */
export const binaryQuantized = (vector: string, dims: number): string => `(extensions.binary_quantize(${vector})::bit(${dims}))`

/** The SQL type a collection's vectors are stored in. */
export const storageType = (col: { dims: number; storage?: 'vector' | 'halfvec' }): string => `extensions.${col.storage ?? 'vector'}(${col.dims})`

/** A pgvector distance as a score (higher is closer). */
export const scoreOf = (measure: Measure, distance: number): number => MEASURE_SQL[measure].scoreOffset - distance

/** The same score as a SQL expression over a distance expression. */
export const scoreSql = (measure: Measure, distance: string): string => {
  const offset = MEASURE_SQL[measure].scoreOffset
  return offset === 0 ? `-(${distance})` : `${offset} - (${distance})`
}
