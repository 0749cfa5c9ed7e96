import { type Condition, isScalar, type Json, type Scalar } from './ast.ts'

/** Code-point order, as PostgreSQL orders strings in a C-collation database. */
function compareStrings(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!)
  const y = [...b].map((c) => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

/** jsonb's equality: same type, numbers numerically, arrays in order, objects with the same keys. */
export function jsonEquals(a: Json | undefined, b: Json): boolean {
  if (a === undefined || isScalar(b) || isScalar(a)) return a === b
  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]!))
  if (Array.isArray(a)) return false
  const keys = Object.keys(b)
  return Object.keys(a).length === keys.length && keys.every((k) => Object.hasOwn(a, k) && jsonEquals(a[k], b[k]!))
}

/** Where jsonb's ordering puts a top-level value: an empty array first (before null), then by type. */
const rank = (v: Json) =>
  Array.isArray(v) ? (v.length ? 5 : -1) : v === null ? 0 : typeof v === 'string' ? 1 : typeof v === 'number' ? 2 : typeof v === 'boolean' ? 3 : 6

/** jsonb's order between a stored value and a scalar operand (negative: below). */
function compareJsonb(a: Json, b: Scalar): number {
  const d = rank(a) - rank(b)
  if (d !== 0 || a === null || typeof a === 'object') return d
  if (typeof a === 'string') return compareStrings(a, b as string)
  if (typeof a === 'number') return a - (b as number)
  return Number(a) - Number(b)
}

/** jsonb containment `a @> b` below the top level (no scalar-in-array exception). */
function contains(a: Json | undefined, b: Json): boolean {
  if (a === undefined) return false
  if (isScalar(b)) return a === b
  if (Array.isArray(b)) return Array.isArray(a) && b.every((x) => a.some((y) => contains(y, x)))
  return !isScalar(a) && !Array.isArray(a) && Object.keys(b).every((k) => Object.hasOwn(a, k) && contains(a[k], b[k]!))
}

/**
 * Evaluates a filter on one metadata object in plain TypeScript, with vecs's semantics (see
 * `lowerFilter`): `metadata -> key` compared with jsonb's equality and ordering, a missing key
 * matching nothing but `$exists: false`. The reference for exact-search tests.
 */
export function matches(c: Condition, metadata: Record<string, Json>): boolean {
  const has = (key: string) => Object.hasOwn(metadata, key)
  const field = (key: string) => metadata[key]!
  switch (c.kind) {
    case 'and':
      return c.parts.every((p) => matches(p, metadata))
    case 'or':
      return c.parts.some((p) => matches(p, metadata))
    case 'eq':
      return has(c.key) && jsonEquals(field(c.key), c.value)
    case 'ne':
      return has(c.key) && !jsonEquals(field(c.key), c.value)
    case 'cmp': {
      if (!has(c.key)) return false
      const d = compareJsonb(field(c.key), c.value)
      return c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : d >= 0
    }
    case 'in':
      return has(c.key) && c.values.some((v) => jsonEquals(field(c.key), v))
    case 'nin':
      return has(c.key) && !c.values.some((v) => jsonEquals(field(c.key), v))
    case 'contains': {
      if (!has(c.key)) return false
      const f = field(c.key)
      // Top-level containment: a scalar is also contained in an array holding it.
      return isScalar(c.value) && Array.isArray(f) ? f.some((x) => x === c.value) || contains(f, c.value) : contains(f, c.value)
    }
    case 'exists':
      return has(c.key) === c.exists
  }
}
