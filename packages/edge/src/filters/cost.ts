import { type Condition, isScalar, type Json } from './ast.ts'

/** What a filter asks of a pod, counted before it runs (registry `publicLimits.filter` bounds it). */
export interface FilterCost {
  /** Comparisons: each `$eq`, `$ne`, range, `$contains`, `$exists`, and each `$in` / `$nin` operand. */
  comparisons: number
  /** Nesting of `$and` / `$or`. */
  depth: number
  /** UTF-8 bytes of its keys and string values. */
  bytes: number
}

const encoder = new TextEncoder()
const utf8 = (s: string) => encoder.encode(s).length

function jsonCost(v: Json): { scalars: number; bytes: number } {
  if (isScalar(v)) return { scalars: 1, bytes: typeof v === 'string' ? utf8(v) : 0 }
  const parts = Array.isArray(v) ? v.map(jsonCost) : Object.entries(v).map(([k, x]) => ({ ...jsonCost(x), bytes: jsonCost(x).bytes + utf8(k) }))
  return parts.reduce((a, b) => ({ scalars: a.scalars + b.scalars, bytes: a.bytes + b.bytes }), { scalars: 0, bytes: 0 })
}

/** Counts a validated filter's comparisons, depth and string bytes. */
export function filterCost(c: Condition): FilterCost {
  switch (c.kind) {
    case 'and':
    case 'or': {
      const parts = c.parts.map(filterCost)
      return {
        comparisons: parts.reduce((s, p) => s + p.comparisons, 0),
        depth: 1 + Math.max(0, ...parts.map((p) => p.depth)),
        bytes: parts.reduce((s, p) => s + p.bytes, 0),
      }
    }
    case 'in':
    case 'nin': {
      const values = c.values.map(jsonCost)
      return { comparisons: c.values.length, depth: 0, bytes: utf8(c.key) + values.reduce((s, v) => s + v.bytes, 0) }
    }
    case 'exists':
      return { comparisons: 1, depth: 0, bytes: utf8(c.key) }
    default:
      return { comparisons: 1, depth: 0, bytes: utf8(c.key) + jsonCost(c.value).bytes }
  }
}
