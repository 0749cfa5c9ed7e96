import { VecpodsError } from './errors.ts'

/** How deep a request body may nest (PostgreSQL's jsonb handles far more; a client never needs it). */
export const MAX_JSON_DEPTH = 32

/** A lone UTF-16 surrogate: JSON can carry it, PostgreSQL and UTF-8 cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Why PostgreSQL (or a JavaScript object) could not hold this string faithfully, if it cannot. */
function stringProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000), which PostgreSQL text and jsonb cannot store'
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode'
  return undefined
}

/** A path fit for an error message: NUL and lone surrogates shown as U+FFFD. */
const printable = (path: string) => [...path].map((ch) => (ch === '\u0000' || LONE_SURROGATE.test(ch) ? '\ufffd' : ch)).join('')

/**
 * Refuses, with 400 `invalid_request` naming the path, any part of a parsed JSON body that
 * PostgreSQL would reject or that would not survive the trip faithfully: NUL characters and
 * unpaired surrogates in keys or strings, numbers JSON parsed to ±Infinity, the key `__proto__`
 * (a JavaScript object cannot hold it as data), and nesting deeper than `MAX_JSON_DEPTH`.
 */
export function guardJson(value: unknown, path = '', depth = 0): void {
  const fail = (message: string): never => {
    throw new VecpodsError('invalid_request', `${path || 'body'}: ${message}`)
  }
  if (typeof value === 'string') {
    const problem = stringProblem(value)
    if (problem) fail(problem)
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail('numbers must be finite')
  } else if (value !== null && typeof value === 'object') {
    if (depth >= MAX_JSON_DEPTH) fail(`nested deeper than ${MAX_JSON_DEPTH} levels`)
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) guardJson(item, `${path}[${i}]`, depth + 1)
      return
    }
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key
      const problem = key === '__proto__' ? 'the key "__proto__" is not allowed' : stringProblem(key)
      if (problem) throw new VecpodsError('invalid_request', `${printable(at)}: ${problem.replace('contains', 'the key contains')}`)
      guardJson((value as Record<string, unknown>)[key], at, depth + 1)
    }
  }
}
