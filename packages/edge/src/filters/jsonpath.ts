import { isScalar, type Json, type Scalar } from './ast.ts'

// jsonpath predicates (evaluated by `metadata @@ 'strict …'`) that reproduce, for one metadata
// key, what vecs's SQL computes with `metadata -> key` and jsonb's own equality and ordering —
// in a form postgres_fdw sends to the pod. A missing key makes every predicate unknown (NULL),
// as `metadata -> key` does in vecs.

/** A jsonpath accessor for a top-level key; the key is quoted as a jsonpath string literal. */
export const accessor = (key: string) => `$.${JSON.stringify(key)}`

/** A jsonpath literal: JSON's spelling of strings, numbers, booleans and null is jsonpath's too. */
const literal = (v: Scalar) => JSON.stringify(v)

const typeIs = (path: string, type: string) => `${path}.type() == "${type}"`
const any = (parts: string[]) => (parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`)
const all = (parts: string[]) => (parts.length === 1 ? parts[0]! : `(${parts.join(' && ')})`)

const TYPE_OF: Record<string, string> = { string: 'string', number: 'number', boolean: 'boolean' }
const typeName = (v: Scalar) => (v === null ? 'null' : TYPE_OF[typeof v]!)

/**
 * `path` equals `value` exactly, as jsonb's `=`: same type, same scalar (numbers numerically),
 * arrays element by element in order, objects with exactly the same keys.
 */
export function equalsPredicate(path: string, value: Json): string {
  if (isScalar(value)) return all([typeIs(path, typeName(value)), `${path} == ${literal(value)}`])
  if (Array.isArray(value)) {
    return all([typeIs(path, 'array'), `${path}.size() == ${value.length}`, ...value.map((v, i) => equalsPredicate(`${path}[${i}]`, v))])
  }
  const keys = Object.keys(value)
  const extra = keys.length ? `exists(${path}.keyvalue() ? (${keys.map((k) => `@.key != ${JSON.stringify(k)}`).join(' && ')}))` : `exists(${path}.keyvalue())`
  // Each key's presence is tested through keyvalue() before its value is read: in strict mode a
  // missing key is an error, which would make the whole predicate unknown instead of false.
  const has = (k: string) => `exists(${path}.keyvalue() ? (@.key == ${JSON.stringify(k)}))`
  return all([typeIs(path, 'object'), `!${extra}`, ...keys.flatMap((k) => [has(k), equalsPredicate(`${path}.${JSON.stringify(k)}`, value[k]!)])])
}

/**
 * `path < value` (or `<=`, `>`, `>=`) under jsonb's ordering of a top-level value, which vecs
 * uses: an empty array < null < strings < numbers < booleans < non-empty arrays < objects, and
 * within a type the type's own order (booleans: false < true).
 */
export function comparePredicate(path: string, op: '<' | '<=' | '>' | '>=', value: Scalar): string {
  const rank = (t: string) => ['null', 'string', 'number', 'boolean'].indexOf(t)
  const own = typeName(value)
  const below = op[0] === '<'
  const parts: string[] = []
  // Whole types on the wanted side of the operand's type.
  if (below) parts.push(all([typeIs(path, 'array'), `${path}.size() == 0`]))
  for (const t of ['null', 'string', 'number', 'boolean']) {
    if (below ? rank(t) < rank(own) : rank(t) > rank(own)) parts.push(typeIs(path, t))
  }
  if (!below) parts.push(all([typeIs(path, 'array'), `${path}.size() > 0`]), typeIs(path, 'object'))
  // The operand's own type: jsonpath orders strings and numbers; booleans and null by hand.
  if (own === 'string' || own === 'number') parts.push(all([typeIs(path, own), `${path} ${op} ${literal(value)}`]))
  else if (own === 'boolean') {
    const strictly = below ? value === true && `${path} == false` : value === false && `${path} == true`
    if (strictly) parts.push(strictly)
    if (op.length === 2) parts.push(`${path} == ${literal(value)}`)
  } else if (op.length === 2) parts.push(typeIs(path, 'null'))
  return any(parts)
}
