import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http'

/** One Supabase-shaped API: a listening port, the project's API keys and its upstreams by path prefix. */
export interface GatewaySite {
  project: string
  port: number
  apiKeys: string[]
  /** e.g. `{ "/rest/v1": "http://127.0.0.1:54329" }`: the prefix is stripped before forwarding. */
  upstreams: Record<string, string>
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type, prefer, range, accept-profile, content-profile, x-region',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-expose-headers':
    'content-range, content-location, x-vecpods-took-ms, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, ratelimit-policy',
  'access-control-max-age': '86400',
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...CORS_HEADERS, ...headers })
  res.end(JSON.stringify(body))
}

/**
 * The answer when an upstream cannot be reached (stopped, crashed, restarting): 503 with
 * `Retry-After`, in the shape its clients read. The function's clients (the SDK) read the edge's
 * `{ error: { code, message } }`; PostgREST's clients read `{ message }`.
 */
function unreachable(res: ServerResponse, site: GatewaySite, prefix: string, error: Error): void {
  const message = `${prefix} of ${site.project} is not answering (${error.message}); it may be restarting`
  const body = prefix === '/functions/v1' ? { error: { code: 'service_unavailable', message } } : { message, details: error.message }
  reply(res, 503, body, { 'retry-after': '1' })
}

/** The API key of a request: the `apikey` header, as Supabase's gateway reads it, or `?apikey=`. */
function apiKeyOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.apikey
  return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('apikey') ?? undefined
}

/**
 * Handles one request the way Supabase's API gateway does: answers CORS preflight, requires a
 * valid project API key, uses it as the bearer token when none is given, and forwards the rest
 * to the upstream whose prefix matches.
 */
export function handle(site: GatewaySite, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://gateway')
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS_HEADERS)
    res.end()
    return
  }
  const prefix = Object.keys(site.upstreams).find((p) => url.pathname === p || url.pathname.startsWith(`${p}/`))
  const key = apiKeyOf(req, url)
  if (url.pathname === '/health') reply(res, 200, { project: site.project, status: 'ok' })
  else if (!prefix) reply(res, 404, { message: `no route for ${url.pathname}`, hint: `try ${Object.keys(site.upstreams).join(', ')}` })
  else if (!key) reply(res, 401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' })
  else if (!site.apiKeys.includes(key)) reply(res, 401, { message: 'Invalid API key', hint: `Use this project's (${site.project}) anon or service_role key.` })
  else forward(site, prefix, key, url, req, res)
}

/** Passes the request on to the prefix's upstream, streaming both ways. */
function forward(site: GatewaySite, prefix: string, key: string, url: URL, req: IncomingMessage, res: ServerResponse): void {
  const target = new URL(site.upstreams[prefix]!)
  const headers: IncomingMessage['headers'] = { ...req.headers, host: target.host }
  headers.authorization ??= `Bearer ${key}`
  // As Supabase's gateway does: the client's address appended, so the last entry is one the client
  // did not choose (the function's per-caller limits key anonymous callers on it).
  const client = req.socket.remoteAddress ?? 'unknown'
  headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${client}` : client
  url.searchParams.delete('apikey')
  const upstream = request(
    {
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: `${target.pathname.replace(/\/$/, '')}${url.pathname.slice(prefix.length) || '/'}${url.search}`,
      headers,
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, { ...up.headers, ...CORS_HEADERS })
      up.pipe(res)
    },
  )
  upstream.on('error', (error) => {
    if (!res.headersSent) unreachable(res, site, prefix, error)
    else res.destroy(error)
  })
  req.pipe(upstream)
}

/** Listens on every site's port; resolves once all are listening. */
export async function serveGateway(sites: GatewaySite[]): Promise<Server[]> {
  return Promise.all(
    sites.map(
      (site) =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer((req, res) => handle(site, req, res))
          server.once('error', reject)
          server.listen(site.port, '127.0.0.1', () => resolve(server))
        }),
    ),
  )
}
