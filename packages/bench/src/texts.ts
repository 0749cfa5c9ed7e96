const VERBS = [
  'configure',
  'debug',
  'cache',
  'stream',
  'retry',
  'validate',
  'deploy',
  'parse',
  'index',
  'migrate',
  'render',
  'bundle',
  'encrypt',
  'schedule',
  'compress',
  'observe',
  'paginate',
  'sign',
  'throttle',
  'replicate',
]
const ADJECTIVES = [
  'slow',
  'nested',
  'partial',
  'large',
  'secure',
  'typed',
  'remote',
  'offline',
  'concurrent',
  'empty',
  'default',
  'legacy',
  'signed',
  'sorted',
  'lazy',
  'binary',
  'shared',
  'private',
  'stale',
  'missing',
]
const NOUNS = [
  'requests',
  'headers',
  'tokens',
  'queries',
  'records',
  'modules',
  'sessions',
  'buffers',
  'events',
  'routes',
  'tables',
  'errors',
  'cookies',
  'vectors',
  'workers',
  'streams',
  'schemas',
  'promises',
  'files',
  'timeouts',
]
const PLACES = [
  'in the browser',
  'on the server',
  'at the edge',
  'in a worker',
  'in tests',
  'during startup',
  'behind a proxy',
  'across regions',
  'in production',
  'on mobile',
  'with postgres',
  'with typescript',
  'over websockets',
  'in a monorepo',
  'from the cli',
  'in the database',
  'after an upgrade',
  'under load',
  'with retries',
  'per tenant',
]

/**
 * The `i`-th of 160,000 distinct short developer questions ("how to retry stale tokens at the
 * edge"). Deterministic, and distinct for distinct `i`, so the edge's query cache never answers
 * a measured text request.
 */
export function questionText(i: number): string {
  const n = VERBS.length
  if (!Number.isInteger(i) || i < 0 || i >= n ** 4) throw new RangeError(`questionText: i must be an integer in [0, ${n ** 4})`)
  return `how to ${VERBS[i % n]} ${ADJECTIVES[Math.floor(i / n) % n]} ${NOUNS[Math.floor(i / n ** 2) % n]} ${PLACES[Math.floor(i / n ** 3) % n]}`
}
