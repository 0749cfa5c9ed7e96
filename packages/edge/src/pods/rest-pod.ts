import { SignJWT } from 'jose'
import { VecpodsError } from '../errors.ts'
import { deadlineExpired } from './deadline.ts'
import { TEXT_SEARCH_PARAMS, type TextSearchRow, textSearchArgs, textSearchHit, upsertBatch, vectorText } from './encode.ts'
import { podError } from './pod-errors.ts'
import type { CatalogRow, Claims, PodClient, PodHit, PodSearch, PodTextSearch } from './types.ts'

export interface RestPodOptions {
  pod: string
  /** The pod's API URL (`https://<ref>.supabase.co`); RPCs go to `<url>/rest/v1/rpc/…`. */
  url: string
  serviceKey: string
  /**
   * The pod's JWT secret: for a signed-in caller on a collection with owners, the edge signs a
   * token of its own for the pod (the caller's verified claims, valid for a minute), so the pod's
   * PostgREST runs the call as that caller and its row-level security applies.
   */
  jwtSecret?: string
  /** Per-request deadline in ms (default 5000); past it the request answers 504 `timeout`. */
  timeoutMs?: number
  /** Deadline of `ping` and `probe` in ms (default 1000). */
  healthTimeoutMs?: number
  fetch?: typeof fetch
}

interface PostgrestError {
  code?: string
  message?: string
}

/**
 * Reaches a pod through PostgREST: the `vecpods.*` functions of the pod's setup migration,
 * called as RPCs with the pod's service key (schema `vecpods`, which the pod's API exposes).
 * Each call is one transaction on the pod; nothing but HTTPS leaves the edge.
 */
export function restPod(options: RestPodOptions): PodClient {
  const { pod, serviceKey } = options
  const base = `${options.url.replace(/\/+$/, '')}/rest/v1`
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 5000
  const healthMs = options.healthTimeoutMs ?? 1000
  const headers = {
    apikey: serviceKey,
    authorization: `Bearer ${serviceKey}`,
    'content-type': 'application/json',
    'content-profile': 'vecpods',
    'accept-profile': 'vecpods',
  }

  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined
  /** A short-lived token for this pod carrying the caller's claims, signed with the pod's secret. */
  const tokenFor = async (claims: Claims): Promise<string> => {
    if (!secret) {
      throw new VecpodsError(
        'service_unavailable',
        `pod "${pod}" has no JWT secret configured (registry env.jwtSecret, default VECPODS_${pod.toUpperCase()}_JWT_SECRET): collections with owners need it over REST`,
      )
    }
    const { exp: _exp, iat: _iat, nbf: _nbf, ...rest } = claims
    return new SignJWT({ ...rest, role: 'authenticated' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime('60s').sign(secret)
  }

  const request = async <T>(path: string, init: RequestInit = {}, ms = timeoutMs, actAs?: Claims): Promise<T> => {
    // The deadline covers the whole answer, body included: a server may freeze half way through.
    const signal = AbortSignal.timeout(ms)
    const expired = (error: unknown) => {
      if (signal.aborted) throw deadlineExpired(pod, ms)
      throw new VecpodsError('pod_unavailable', `pod "${pod}" is unavailable (${(error as Error).message})`, { cause: error })
    }
    // The pod's pre-request bounds the statement by the same deadline (less a margin for the way
    // back): PostgREST does not cancel a query whose client went away.
    const bounded = {
      ...headers,
      ...(actAs ? { authorization: `Bearer ${await tokenFor(actAs)}` } : {}),
      'x-vecpods-timeout-ms': String(Math.max(1, ms - 100)),
    }
    const res = await doFetch(`${base}${path}`, { ...init, headers: bounded, signal }).catch(expired)
    const body = (await res.json().catch((error: unknown) => (signal.aborted ? expired(error) : undefined))) as unknown
    if (res.ok) return body as T
    const e = (body ?? {}) as PostgrestError
    if (res.status >= 502 && res.status <= 504 && !e.code) throw new VecpodsError('pod_unavailable', `pod "${pod}" is unavailable (HTTP ${res.status})`)
    return podError(pod, new Error(`pod "${pod}" answered ${res.status}: ${e.message ?? 'no message'}`), e.code, e.message)
  }
  const rpc = <T>(fn: string, args: Record<string, unknown>, actAs?: Claims) =>
    request<T>(`/rpc/${fn}`, { method: 'POST', body: JSON.stringify(args) }, timeoutMs, actAs)

  return {
    pod,
    async search(q: PodSearch) {
      const rows = await rpc<Array<{ id: string; distance: number; metadata: Record<string, unknown> | null; value: string | null }>>(
        'search',
        {
          collection: q.collection,
          query_embedding: vectorText(q.vector),
          match_count: q.limit,
          filter: q.filter ?? null,
          ef_search: q.efSearch,
          exact: q.exact,
          include_metadata: q.includeMetadata,
          include_value: q.includeValue,
        },
        q.actAs,
      )
      return rows.map(
        (r): PodHit => ({
          id: r.id,
          distance: r.distance,
          ...(q.includeMetadata ? { metadata: r.metadata ?? {} } : {}),
          ...(q.includeValue ? { value: JSON.parse(r.value!) as number[] } : {}),
        }),
      )
    },
    async textSearch(q: PodTextSearch) {
      const args = textSearchArgs(q)
      const rows = await rpc<TextSearchRow[]>('text_search', Object.fromEntries(TEXT_SEARCH_PARAMS.map((name, i) => [name, args[i]])), q.actAs)
      return rows.map((r) => textSearchHit(r, q))
    },
    upsert: (collection, model, records, actAs) => rpc<number>('upsert', { collection, model, records: upsertBatch(records) }, actAs),
    deleteIds: (collection, ids, actAs) => rpc<number>('delete_ids', { collection, ids }, actAs),
    deleteWhere: (collection, filter, actAs) => rpc<number>('delete_where', { collection, filter }, actAs),
    catalog: () => rpc<CatalogRow[]>('catalog', {}).then((rows) => rows.map((r) => ({ ...r, rows: Number(r.rows) }))),
    async modelOf(collection) {
      const rows = await request<Array<{ model: string | null }>>(`/collections?select=model&name=eq.${encodeURIComponent(collection)}`)
      if (!rows[0]) throw new VecpodsError('unknown_collection', `collection "${collection}" is not on pod "${pod}"; apply its migrations`)
      return rows[0].model
    },
    async ping() {
      const started = performance.now()
      await request('/collections?select=name&limit=1', {}, healthMs)
      return performance.now() - started
    },
    // fetch opens a new connection when the pooled ones are busy, so the ping doubles as the probe.
    probe: async () => void (await request('/collections?select=name&limit=1', {}, healthMs)),
    close: async () => {},
  }
}
