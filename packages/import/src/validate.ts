import { guardJson } from '@vecpods/edge'

/** A record ready to load. */
export interface ImportRecord {
  id: string
  metadata: Record<string, unknown>
  text?: string
  vector?: number[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Checks one input record against what the collection stores, as the edge checks its records
 * (the same guard against what PostgreSQL cannot hold): returns the record, or why it is rejected.
 */
export function validateRecord(input: unknown, dims: number, measure: string): ImportRecord | string {
  if (!isObject(input)) return 'expected an object { id, text | vector, metadata }'
  try {
    guardJson(input)
  } catch (error) {
    return (error as Error).message
  }
  const { id, text, vector, metadata, ...extra } = input
  const unknown = Object.keys(extra)
  if (unknown.length) return `unknown fields: ${unknown.join(', ')}`
  if (typeof id !== 'string' || id.length < 1 || id.length > 256) return 'id: expected a string of 1 to 256 characters'
  if (metadata !== undefined && !isObject(metadata)) return 'metadata: expected an object'
  if ((text === undefined) === (vector === undefined)) return 'give exactly one of "text" or "vector"'
  if (text !== undefined) {
    if (typeof text !== 'string' || !text.length || text.length > 8000) return 'text: expected a string of 1 to 8000 characters'
    return { id, text, metadata: (metadata as Record<string, unknown>) ?? {} }
  }
  if (!Array.isArray(vector) || !vector.every((x) => typeof x === 'number' && Number.isFinite(Math.fround(x)))) {
    return 'vector: expected an array of numbers within float4 range'
  }
  if (vector.length !== dims) return `vector: the collection takes ${dims} dimensions, got ${vector.length}`
  if (measure === 'cosine' && vector.every((x) => x === 0)) return 'vector: a zero vector has no direction (cosine collection)'
  return { id, vector: vector as number[], metadata: (metadata as Record<string, unknown>) ?? {} }
}
