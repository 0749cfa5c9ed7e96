import { VecpodsError } from './errors.ts'
import type { Answer, Invoke } from './http.ts'

export const CLIENT_INFO = 'vecpods-sdk/0.1.0'

export interface FetchConnection {
  /** The project's API URL: `https://<ref>.supabase.co`, or the local stack's `http://127.0.0.1:54321`. */
  url: string
  /** The project's anon key in browsers, the service_role key on servers. */
  key: string
  functionName?: string
  fetch?: typeof fetch
  /** A signed-in user's access token, sent instead of the key in `Authorization`. */
  accessToken?: () => Promise<string | null | undefined> | string | null | undefined
}

/** Calls the edge function with `fetch`, as supabase-js would: `apikey` + `Authorization: Bearer`. */
export function fetchInvoke(connection: FetchConnection): Invoke {
  const base = `${connection.url.replace(/\/+$/, '')}/functions/v1/${connection.functionName ?? 'vector-search'}`
  return async (path, { method, body, signal }) => {
    const token = (await connection.accessToken?.()) ?? connection.key
    const doFetch = connection.fetch ?? globalThis.fetch
    const res = await doFetch(`${base}${path}`, {
      method,
      signal,
      headers: {
        apikey: connection.key,
        authorization: `Bearer ${token}`,
        'x-client-info': CLIENT_INFO,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: await readJson(res), headers: res.headers }
  }
}

/**
 * The slice of a supabase-js client that calling the edge function uses: `functions.invoke`.
 * Declared here, not imported, so the SDK's types need no supabase-js (an optional peer).
 */
export interface FunctionsClient {
  functions: {
    invoke(
      functionName: string,
      options: { method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; signal?: AbortSignal; body?: Record<string, unknown> },
    ): Promise<{ data: unknown; error: unknown; response?: Response }>
  }
}

/**
 * Calls the edge function through `supabase.functions.invoke`, so the client's session token,
 * headers and `fetch` apply.
 */
export function supabaseInvoke(supabase: FunctionsClient, functionName = 'vector-search'): Invoke {
  return async (path, { method, body, signal }) => {
    const { data, error, response } = await supabase.functions.invoke(`${functionName}${path}`, {
      method,
      signal,
      ...(body === undefined ? {} : { body: body as Record<string, unknown> }),
    })
    if (!error) return { status: response?.status ?? 200, body: data, headers: response?.headers ?? new Headers() }
    const context = (error as { context?: unknown }).context
    if (context instanceof Response) {
      return { status: context.status, body: await readJson(context), headers: context.headers } satisfies Answer
    }
    // FunctionsFetchError: the request never got an answer (its cause is the fetch error).
    throw (error as { context?: unknown }).context ?? error
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text()
  if (!text) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    if (res.ok) throw new VecpodsError('invalid_response', `the answer is not JSON (HTTP ${res.status})`, res.status, { cause: error })
    return undefined
  }
}
