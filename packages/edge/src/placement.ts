import postgres from 'postgres'
import { withDeadline } from './pods/deadline.ts'

/**
 * Which pod holds each collection, as the primary's `vecpods.placements` says at run time: read
 * every `ttlMs` in the background, so a move switches traffic within one interval without a
 * redeploy. Lookups never wait on the primary: until the first read, and while the primary does
 * not answer, the last known placement (or the registry's) stands.
 */
export interface Placement {
  /** The pod the catalog names for a collection, if it names one. */
  podOf(collection: string): string | undefined
  /** Reads the catalog now (tests, and the first read at start). */
  refresh(): Promise<void>
  close(): Promise<void>
}

export interface PlacementOptions {
  /** The primary's database URL. */
  dbUrl: string
  /** How often the catalog is read (default 2000 ms). */
  ttlMs?: number
  /** Deadline of one read (default 1000 ms). */
  timeoutMs?: number
}

export function primaryPlacement(options: PlacementOptions): Placement {
  const ttlMs = options.ttlMs ?? 2000
  const timeoutMs = options.timeoutMs ?? 1000
  const sql = postgres(options.dbUrl, {
    max: 1,
    prepare: false,
    fetch_types: false,
    idle_timeout: 30,
    connect_timeout: Math.ceil(timeoutMs / 1000),
    onnotice: () => {},
  })
  let pods = new Map<string, string>()
  let failing = false
  const refresh = async () => {
    const query = sql<{ collection: string; pod: string }[]>`select collection, pod from vecpods.placements`
    const rows = await withDeadline('primary', timeoutMs, query, () => query.cancel())
    pods = new Map(rows.map((r) => [r.collection, r.pod]))
    if (failing) console.warn('vector-search: the placement catalog answers again')
    failing = false
  }
  const tick = () =>
    refresh().catch((error: unknown) => {
      if (!failing) console.warn(`vector-search: cannot read the placement catalog, keeping the last known placement: ${(error as Error).message}`)
      failing = true
    })
  void tick()
  const timer = setInterval(tick, ttlMs)
  // Node: do not keep a process alive for this timer (Deno's timers are numbers and serve forever anyway).
  ;(timer as unknown as { unref?: () => void }).unref?.()
  return {
    podOf: (collection) => pods.get(collection),
    refresh,
    close: async () => {
      clearInterval(timer)
      await sql.end({ timeout: 1 })
    },
  }
}
