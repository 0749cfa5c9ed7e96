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
export function guardJson(value: unknown): void {
  // The path is kept as a stack of segments and spelled out only for an error: bodies hold
  // thousands of vector elements, and building a string for each would dominate the check.
  const path: Array<string | number> = []
  const spell = () => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('') || 'body'
  const fail = (message: string): never => {
    throw new VecpodsError('invalid_request', `${printable(spell())}: ${message}`)
  }
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) fail('numbers must be finite')
    } else if (typeof v === 'string') {
      const problem = stringProblem(v)
      if (problem) fail(problem)
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) fail(`nested deeper than ${MAX_JSON_DEPTH} levels`)
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const item = v[i]
          // Numbers, the bulk of a body (vectors), are checked without touching the path.
          if (typeof item === 'number' && Number.isFinite(item)) continue
          path.push(i)
          visit(item, depth + 1)
          path.pop()
        }
        return
      }
      for (const key of Object.keys(v)) {
        path.push(key)
        const problem = key === '__proto__' ? 'the key "__proto__" is not allowed' : stringProblem(key)
        if (problem) fail(problem.replace('contains', 'the key contains'))
        visit((v as Record<string, unknown>)[key], depth + 1)
        path.pop()
      }
    }
  }
  visit(value, 0)
}
