import type { Condition, Scalar } from './ast.ts'

type Json = Scalar | Json[] | { [key: string]: Json }

const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v)

/** Code-point order, as PostgreSQL compares jsonpath strings in a C-collation database. */
function compareStrings(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!)
  const y = [...b].map((c) => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

function compare(field: Json | undefined, op: '>' | '>=' | '<' | '<=', value: string | number): boolean {
  // jsonpath's lax mode compares each element of an array field.
  const items = Array.isArray(field) ? field : [field]
  return items.some((item) => {
    if (typeof item !== typeof value || (typeof item !== 'number' && typeof item !== 'string')) return false
    const d = typeof item === 'number' ? item - (value as number) : compareStrings(item, value as string)
    return op === '>' ? d > 0 : op === '>=' ? d >= 0 : op === '<' ? d < 0 : d <= 0
  })
}

/**
 * Evaluates a filter on one metadata object in plain TypeScript, with the semantics the compiled
 * SQL has in PostgreSQL: `$eq` is containment of `{key: value}` (a scalar equals only a scalar),
 * `$contains` is containment of `{key: [value]}`, comparisons are jsonpath's (same-type only, any
 * element of an array). The reference for exact-search tests.
 */
export function matches(c: Condition, metadata: Record<string, Json>): boolean {
  const has = (key: string) => Object.hasOwn(metadata, key)
  const equals = (key: string, value: Scalar) => has(key) && isScalar(metadata[key]) && metadata[key] === value
  switch (c.kind) {
    case 'and':
      return c.parts.every((p) => matches(p, metadata))
    case 'or':
      return c.parts.some((p) => matches(p, metadata))
    case 'eq':
      return equals(c.key, c.value)
    case 'ne':
      return !equals(c.key, c.value)
    case 'cmp':
      return has(c.key) && compare(metadata[c.key], c.op, c.value)
    case 'in':
      return c.values.some((v) => equals(c.key, v))
    case 'nin':
      return !c.values.some((v) => equals(c.key, v))
    case 'contains': {
      const field = metadata[c.key]
      return Array.isArray(field) && field.some((item) => isScalar(item) && item === c.value)
    }
    case 'exists':
      return has(c.key) === c.exists
  }
}
