import { VecpodsError } from '../errors.ts'
import { type Condition, isScalar, type Json, type Scalar } from './ast.ts'

/** Bounds that keep a filter cheap to compile and to run. */
export const FILTER_LIMITS = { depth: 8, conditions: 64, inValues: 100, keyLength: 128, stringLength: 1024, valueDepth: 4, valueItems: 64 }

const CMP = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const
const OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$contains', '$exists'] as const

const fail = (path: string, message: string): never => {
  throw new VecpodsError('invalid_filter', `filters${path}: ${message}`)
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function scalar(v: unknown, path: string): Scalar {
  if (v === null || typeof v === 'boolean') return v
  if (typeof v === 'number') return Number.isFinite(v) ? v : fail(path, 'numbers must be finite')
  if (typeof v === 'string') {
    return v.length <= FILTER_LIMITS.stringLength ? v : fail(path, `strings are limited to ${FILTER_LIMITS.stringLength} characters`)
  }
  return fail(path, 'expected a string, number, boolean or null')
}

/** A JSON operand (`$eq {…}`, `$contains [...]`): bounded in depth and size, its strings like scalars. */
function json(v: unknown, path: string, depth = 0): Json {
  if (isScalar(v)) return scalar(v, path)
  if (depth >= FILTER_LIMITS.valueDepth) return fail(path, `values nest at most ${FILTER_LIMITS.valueDepth} levels`)
  if (Array.isArray(v)) {
    if (v.length > FILTER_LIMITS.valueItems) fail(path, `arrays are limited to ${FILTER_LIMITS.valueItems} items`)
    return v.map((x, i) => json(x, `${path}[${i}]`, depth + 1))
  }
  if (isPlainObject(v)) {
    const entries = Object.entries(v)
    if (entries.length > FILTER_LIMITS.valueItems) fail(path, `objects are limited to ${FILTER_LIMITS.valueItems} keys`)
    return Object.fromEntries(entries.map(([k, x]) => [k, json(x, `${path}.${k}`, depth + 1)]))
  }
  return fail(path, 'expected a JSON value')
}

/**
 * Validates a vecs-style filter and returns it as a `Condition` tree. Throws `invalid_filter`
 * naming the path of the first problem. The language: `{ field: { $op: value } }` with `$eq $ne
 * $gt $gte $lt $lte $in $nin $contains $exists`, combined with `$and` / `$or` (and implicitly by
 * several keys in one object).
 */
export function parseFilter(input: unknown): Condition {
  let count = 0
  const node = (v: unknown, path: string, depth: number): Condition => {
    if (depth > FILTER_LIMITS.depth) fail(path, `nested deeper than ${FILTER_LIMITS.depth} levels`)
    if (!isPlainObject(v)) return fail(path, 'expected an object')
    const parts: Condition[] = []
    for (const [key, value] of Object.entries(v)) {
      const at = `${path}.${key}`
      if (key === '$and' || key === '$or') {
        if (!Array.isArray(value) || value.length === 0) fail(at, 'expected a non-empty array of filters')
        const children = (value as unknown[]).map((child, i) => node(child, `${at}[${i}]`, depth + 1))
        parts.push({ kind: key === '$and' ? 'and' : 'or', parts: children })
      } else if (key.startsWith('$')) {
        fail(at, `unknown logical operator "${key}" (use $and or $or)`)
      } else {
        if (key.length === 0 || key.length > FILTER_LIMITS.keyLength) fail(at, `field names must be 1 to ${FILTER_LIMITS.keyLength} characters`)
        parts.push(...field(key, value, at))
      }
    }
    if (parts.length === 1) return parts[0]!
    return { kind: 'and', parts }
  }

  const field = (key: string, ops: unknown, path: string): Condition[] => {
    if (!isPlainObject(ops)) return fail(path, 'expected an operator object such as { "$eq": value }')
    const entries = Object.entries(ops)
    if (entries.length === 0) fail(path, 'expected at least one operator')
    return entries.map(([op, value]): Condition => {
      const at = `${path}.${op}`
      if (++count > FILTER_LIMITS.conditions) fail(at, `more than ${FILTER_LIMITS.conditions} conditions`)
      switch (op) {
        case '$eq':
        case '$ne':
          return { kind: op === '$eq' ? 'eq' : 'ne', key, value: json(value, at) }
        case '$gt':
        case '$gte':
        case '$lt':
        case '$lte':
          // vecs also orders arrays and objects (jsonb's ordering); vecpods compares scalars only.
          if (!isScalar(value)) return fail(at, 'expected a string, number, boolean or null (ranges do not compare arrays or objects here)')
          return { kind: 'cmp', key, op: CMP[op], value: scalar(value, at) }
        case '$in':
        case '$nin':
          if (!Array.isArray(value) || value.length === 0) return fail(at, 'expected a non-empty array')
          if (value.length > FILTER_LIMITS.inValues) fail(at, `at most ${FILTER_LIMITS.inValues} values`)
          return { kind: op === '$in' ? 'in' : 'nin', key, values: value.map((x, i) => json(x, `${at}[${i}]`)) }
        case '$contains':
          return { kind: 'contains', key, value: json(value, at) }
        case '$exists':
          if (typeof value !== 'boolean') return fail(at, 'expected true or false')
          return { kind: 'exists', key, exists: value }
        default:
          return fail(at, `unknown operator "${op}" (one of ${OPERATORS.join(' ')})`)
      }
    })
  }

  return node(input, '', 0)
}
