// The SDK's unit tests run against msw: a fake network that records each request and answers as
// a test says. One server per test file; start() registers its lifecycle hooks.
import { createClient as createSupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import WebSocket from 'ws'
import { createVectorClient } from '../index.ts'

export const URL_ = 'https://project.example.test'
export const FN = `${URL_}/functions/v1/vector-search`
export const KEY = 'anon-key'

export interface Seen {
  method: string
  url: string
  headers: Record<string, string>
  body: unknown
}

/** Starts an msw server for the calling test file; `seen` lists the requests of the current test. */
export function mswServer() {
  const seen: Seen[] = []
  const server = setupServer()
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => {
    server.resetHandlers()
    seen.length = 0
  })
  afterAll(() => server.close())
  const record = async (request: Request) => {
    const text = await request.clone().text()
    seen.push({ method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body: text ? JSON.parse(text) : undefined })
  }
  /** msw resolvers: record the request, count calls, or answer late. */
  const recorded =
    (answer: () => Response) =>
    async ({ request }: { request: Request }) => {
      await record(request)
      return answer()
    }
  return { server, seen, record, recorded }
}

export const counted = (count: () => void, answer: () => Response) => () => {
  count()
  return answer()
}
export const delayed = (ms: number, answer: () => Response) => async () => {
  await new Promise((r) => setTimeout(r, ms))
  return answer()
}
export const hits = [{ id: 'a', score: 0.9, collection: 'docs', pod: 'pod_a', metadata: { url: '/a' } }]
export const meta = { pods: ['pod_a'], model: 'm', took_ms: 1 }

/** supabase-js as an app creates it (Node 20 has no global WebSocket; realtime is unused here). */
export const createClient = (url: string, key: string, options: SupabaseClientOptions<'public'> = {}) =>
  createSupabaseClient(url, key, { ...options, realtime: { transport: WebSocket as never } })

/** A retry policy without waiting, so tests run fast and deterministically. */
export const retry = { baseDelayMs: 1, maxDelayMs: 5, random: () => 0 }
export const client = () => createVectorClient({ url: URL_, key: KEY, retry })
