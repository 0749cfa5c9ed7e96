import type { Condition } from './ast.ts'

/** A SQL boolean expression over the `metadata` column, with its parameters. */
export interface CompiledFilter {
  sql: string
  params: string[]
  /** The SQL type of each parameter, for drivers that encode by type. */
  types: ('jsonb' | 'jsonpath')[]
}

/** A jsonpath accessor for a top-level key; the key is quoted as a jsonpath string literal. */
const accessor = (key: string) => `$.${JSON.stringify(key)}`

/**
 * Compiles a filter to SQL that postgres_fdw pushes down to the pod and the GIN
 * `jsonb_path_ops` index serves: only containment (`@>`) and jsonpath (`@@`, `@?`), never `->>`,
 * `?` or casts. Every value travels as a parameter (`$n::jsonb` / `$n::jsonpath`) starting at
 * `$<first>`; nothing from the request is spliced into the SQL text.
 */
export function compileFilter(condition: Condition, column = 'metadata', first = 1): CompiledFilter {
  const params: string[] = []
  const types: CompiledFilter['types'] = []
  const param = (value: string, type: 'jsonb' | 'jsonpath') => {
    params.push(value)
    types.push(type)
    return `$${first + params.length - 1}::${type}`
  }
  const contains = (key: string, value: unknown) => `${column} @> ${param(JSON.stringify({ [key]: value }), 'jsonb')}`

  const emit = (c: Condition): string => {
    switch (c.kind) {
      case 'and':
      case 'or':
        return `(${c.parts.map(emit).join(c.kind === 'and' ? ' and ' : ' or ')})`
      case 'eq':
        return contains(c.key, c.value)
      case 'ne':
        return `not (${contains(c.key, c.value)})`
      case 'cmp':
        return `${column} @@ ${param(`${accessor(c.key)} ${c.op} ${JSON.stringify(c.value)}`, 'jsonpath')}`
      case 'in':
      case 'nin': {
        const any = `(${c.values.map((v) => contains(c.key, v)).join(' or ')})`
        return c.kind === 'in' ? any : `not ${any}`
      }
      case 'contains':
        return contains(c.key, [c.value])
      case 'exists': {
        const test = `${column} @? ${param(accessor(c.key), 'jsonpath')}`
        return c.exists ? test : `not (${test})`
      }
    }
  }
  return { sql: emit(condition), params, types }
}
