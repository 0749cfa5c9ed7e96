import { type Condition, isScalar, type Json } from './ast.ts'
import { accessor, comparePredicate, equalsPredicate } from './jsonpath.ts'

/**
 * A filter lowered to the only tests that postgres_fdw pushes down and the GIN `jsonb_path_ops`
 * index serves: containment (`@>`), jsonpath match (`@@`) and jsonpath exists (`@?`), under
 * and / or / not. Plain JSON, so it also travels to a pod's `vecpods.search` RPC, which renders
 * it the same way (`vecpods.filter_sql`).
 */
export type Predicate =
  | { and: Predicate[] }
  | { or: Predicate[] }
  | { not: Predicate }
  | { contains: Record<string, unknown> }
  | { match: string }
  | { exists: string }

/** Key present (with any value, null included): the `metadata -> key` of vecs is not NULL. */
const present = (key: string): Predicate => ({ exists: accessor(key) })
const strict = (predicate: string): Predicate => ({ match: `strict ${predicate}` })

/**
 * `metadata -> key` equals `value` (jsonb `=`, as vecs compares): containment for a scalar (which
 * `@>` matches only as an equal scalar at a nested key), an exact jsonpath predicate for an array
 * or object (containment would also match larger ones).
 */
function equals(key: string, value: Json): Predicate {
  return isScalar(value) ? { contains: { [key]: value } } : strict(equalsPredicate(accessor(key), value))
}

const STRICT = 'strict '
const isStrictMatch = (p: Predicate): p is { match: string } => 'match' in p && p.match.startsWith(STRICT)

/**
 * Joins the strict jsonpath tests among an `and` / `or`'s parts into one: a row is then read by
 * one jsonpath evaluation instead of one per part. On `docs` (5,000 rows) a 10-value `$in` as one
 * jsonpath searched in 1.4 ms against 2.4 ms as ten containments and 2.6 ms as `@> any(array)`;
 * 100 values, 3.4 ms against 13.5 and 9.3; ten ranges under `$or`, 23 ms against 39 (pgbench, one
 * client). jsonpath's `&&`, `||` and unknown follow SQL's three-valued `and`, `or` and NULL, so the
 * joined test matches the same rows; GIN `jsonb_path_ops` still serves its equalities.
 */
function joined(kind: 'and' | 'or', parts: Predicate[]): Predicate {
  const tests = parts.filter(isStrictMatch)
  if (tests.length < 2) return kind === 'and' ? { and: parts } : { or: parts }
  const one: Predicate = { match: `${STRICT}(${tests.map((t) => `(${t.match.slice(STRICT.length)})`).join(kind === 'and' ? ' && ' : ' || ')})` }
  const rest = parts.filter((p) => !isStrictMatch(p))
  if (!rest.length) return one
  return kind === 'and' ? { and: [one, ...rest] } : { or: [one, ...rest] }
}

/** `metadata -> key` equals one of `values`: a single containment, or one jsonpath test for several. */
function equalsAny(key: string, values: Json[]): Predicate {
  return values.length === 1 ? equals(key, values[0]!) : strict(values.map((v) => equalsPredicate(accessor(key), v)).join(' || '))
}

/**
 * Lowers a filter to predicates with vecs's semantics (its `build_filters` compiles `$eq` to
 * containment or `metadata -> key = value`, `$ne` and ranges to `metadata -> key` compared with
 * jsonb's ordering, `$in` to equality with any, `$contains` to `metadata -> key @> value`), each
 * written as containment or jsonpath so that postgres_fdw pushes it down. A missing key never
 * matches `$ne`, a range, `$in` or `$contains`, as `NULL` never does in vecs. vecpods' own `$nin`
 * is `$ne` for each value (the key must be present); `$exists` tests presence. Strict jsonpath
 * tests side by side under one `$and` / `$or` are joined into one (`joined`).
 */
export function lowerFilter(c: Condition): Predicate {
  switch (c.kind) {
    case 'and':
    case 'or':
      return joined(c.kind, c.parts.map(lowerFilter))
    case 'eq':
      return equals(c.key, c.value)
    case 'ne':
      return { and: [present(c.key), { not: equals(c.key, c.value) }] }
    case 'cmp':
      return strict(comparePredicate(accessor(c.key), c.op, c.value))
    case 'in':
      return equalsAny(c.key, c.values)
    case 'nin':
      return { and: [present(c.key), { not: equalsAny(c.key, c.values) }] }
    case 'contains':
      // `metadata -> key @> value`: at the top level a scalar is contained in an array holding it
      // and in itself; nested under a key, containment has no such rule, so both are spelled out.
      return isScalar(c.value) ? { or: [{ contains: { [c.key]: [c.value] } }, { contains: { [c.key]: c.value } }] } : { contains: { [c.key]: c.value } }
    case 'exists':
      return c.exists ? present(c.key) : { not: present(c.key) }
  }
}

/** A SQL boolean expression over the `metadata` column, with its parameters. */
export interface CompiledFilter {
  sql: string
  params: string[]
  /** The SQL type of each parameter, for drivers that encode by type. */
  types: ('jsonb' | 'jsonpath')[]
}

/** Compiles a filter to parameterised SQL over `column` (see `renderPredicate`). */
export function compileFilter(condition: Condition, column = 'metadata', first = 1): CompiledFilter {
  return renderPredicate(lowerFilter(condition), column, first)
}

/**
 * Renders a lowered filter as parameterised SQL over `column`: every value travels as a
 * parameter (`$n::jsonb` / `$n::jsonpath`) starting at `$<first>`; nothing from the request is
 * spliced into the SQL text. The pod's `vecpods.filter_sql` renders the same tree the same way,
 * quoting values instead (see the SQL transport for why there are two renderers).
 */
export function renderPredicate(predicate: Predicate, column = 'metadata', first = 1): CompiledFilter {
  const params: string[] = []
  const types: CompiledFilter['types'] = []
  const param = (value: string, type: 'jsonb' | 'jsonpath') => {
    params.push(value)
    types.push(type)
    return `$${first + params.length - 1}::${type}`
  }
  const render = (p: Predicate): string => {
    if ('and' in p) return `(${p.and.map(render).join(' and ')})`
    if ('or' in p) return `(${p.or.map(render).join(' or ')})`
    if ('not' in p) return 'and' in p.not || 'or' in p.not ? `not ${render(p.not)}` : `not (${render(p.not)})`
    if ('contains' in p) return `${column} @> ${param(JSON.stringify(p.contains), 'jsonb')}`
    if ('match' in p) return `${column} @@ ${param(p.match, 'jsonpath')}`
    return `${column} @? ${param(p.exists, 'jsonpath')}`
  }
  return { sql: render(predicate), params, types }
}
