import type { Condition } from './ast.ts'

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

/** A jsonpath accessor for a top-level key; the key is quoted as a jsonpath string literal. */
const accessor = (key: string) => `$.${JSON.stringify(key)}`

export function lowerFilter(c: Condition): Predicate {
  const contains = (key: string, value: unknown): Predicate => ({ contains: { [key]: value } })
  switch (c.kind) {
    case 'and':
      return { and: c.parts.map(lowerFilter) }
    case 'or':
      return { or: c.parts.map(lowerFilter) }
    case 'eq':
      return contains(c.key, c.value)
    case 'ne':
      return { not: contains(c.key, c.value) }
    case 'cmp':
      return { match: `${accessor(c.key)} ${c.op} ${JSON.stringify(c.value)}` }
    case 'in':
      return { or: c.values.map((v) => contains(c.key, v)) }
    case 'nin':
      return { not: { or: c.values.map((v) => contains(c.key, v)) } }
    case 'contains':
      return contains(c.key, [c.value])
    case 'exists':
      return c.exists ? { exists: accessor(c.key) } : { not: { exists: accessor(c.key) } }
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
