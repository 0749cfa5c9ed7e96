import { guardJson } from '@vecpods/edge'
import type { Owner } from '@vecpods/registry'

/** A record ready to load. */
export interface ImportRecord {
  id: string
  metadata: Record<string, unknown>
  text?: string
  vector?: number[]
  /** The row's owner(s), on a collection with owners (registry `access: "owner"`). */
  owner?: string | string[]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Checks one input record against what the collection stores, as the edge checks its records
 * (the same guard against what PostgreSQL cannot hold): returns the record, or why it is rejected.
 */
export function validateRecord(input: unknown, dims: number, measure: string, ownerSpec?: Owner): ImportRecord | string {
  if (!isObject(input)) return 'expected an object { id, text | vector, metadata }'
  try {
    guardJson(input)
  } catch (error) {
    return (error as Error).message
  }
  const { id, text, vector, metadata, owner, ...extra } = input
  const unknown = [...Object.keys(extra), ...(owner !== undefined && !ownerSpec ? ['owner (the collection has no owners)'] : [])]
  if (unknown.length) return `unknown fields: ${unknown.join(', ')}`
  const owned = ownerSpec ? ownerOf(owner, ownerSpec) : undefined
  if (typeof owned === 'string' && owned.startsWith('owner:')) return owned
  if (typeof id !== 'string' || id.length < 1 || id.length > 256) return 'id: expected a string of 1 to 256 characters'
  if (metadata !== undefined && !isObject(metadata)) return 'metadata: expected an object'
  if ((text === undefined) === (vector === undefined)) return 'give exactly one of "text" or "vector"'
  if (text !== undefined) {
    if (typeof text !== 'string' || !text.length || text.length > 8000) return 'text: expected a string of 1 to 8000 characters'
    return { id, text, metadata: (metadata as Record<string, unknown>) ?? {}, ...(owned ? { owner: owned } : {}) }
  }
  if (!Array.isArray(vector) || !vector.every((x) => typeof x === 'number' && Number.isFinite(Math.fround(x)))) {
    return 'vector: expected an array of numbers within float4 range'
  }
  if (vector.length !== dims) return `vector: the collection takes ${dims} dimensions, got ${vector.length}`
  if (measure === 'cosine' && vector.every((x) => x === 0)) return 'vector: a zero vector has no direction (cosine collection)'
  return { id, vector: vector as number[], metadata: (metadata as Record<string, unknown>) ?? {}, ...(owned ? { owner: owned } : {}) }
}

/** A record's owner in the collection's shape (a string, or an array of them), or why not ("owner: …"). */
function ownerOf(owner: unknown, spec: Owner): string | string[] {
  const name = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= 256
  if (spec.many) {
    if (Array.isArray(owner) && owner.length > 0 && owner.length <= 64 && owner.every(name)) return owner as string[]
    return 'owner: expected a non-empty array of owners (strings), the collection keeps several owners per row'
  }
  if (name(owner)) return owner as string
  return 'owner: expected the owner of the row (a string); the collection has owners (registry access "owner")'
}
