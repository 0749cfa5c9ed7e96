import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveGateway } from './proxy.ts'

// A stand-in upstream that echoes what reached it, to check what the gateway forwards.
let upstream: Server
let gateway: Server[]
let base: string

beforeAll(async () => {
  upstream = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ path: req.url, authorization: req.headers.authorization ?? null }))
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  const upstreamPort = (upstream.address() as AddressInfo).port
  gateway = await serveGateway([
    { project: 'pod_x', port: 0, apiKeys: ['anon-key', 'service-key'], upstreams: { '/rest/v1': `http://127.0.0.1:${upstreamPort}` } },
  ])
  base = `http://127.0.0.1:${(gateway[0]!.address() as AddressInfo).port}`
})

afterAll(() => {
  upstream.close()
  for (const g of gateway) g.close()
})

describe('gateway', () => {
  it('refuses a request without an API key, as Supabase does', async () => {
    const res = await fetch(`${base}/rest/v1/docs`)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ message: 'No API key found in request' })
  })

  it('refuses a key that is not one of the project keys', async () => {
    const res = await fetch(`${base}/rest/v1/docs`, { headers: { apikey: 'other-project-key' } })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ message: 'Invalid API key' })
  })

  it('strips the prefix and uses the API key as bearer token when no Authorization is sent', async () => {
    const res = await fetch(`${base}/rest/v1/docs?select=id&url=eq.%2Fa`, { headers: { apikey: 'anon-key' } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ path: '/docs?select=id&url=eq.%2Fa', authorization: 'Bearer anon-key' })
  })

  it('keeps a caller Authorization header (a user JWT) and drops ?apikey=', async () => {
    const res = await fetch(`${base}/rest/v1/?apikey=anon-key`, { headers: { authorization: 'Bearer user-jwt' } })
    expect(await res.json()).toEqual({ path: '/', authorization: 'Bearer user-jwt' })
  })

  it('answers CORS preflight for the headers supabase-js sends', async () => {
    const res = await fetch(`${base}/rest/v1/docs`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-headers': 'apikey, authorization, x-client-info' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toMatch(/apikey.*x-client-info|x-client-info.*apikey/)
  })

  it('answers 404 for unknown prefixes, and 503 with Retry-After in each upstream’s error shape when it is down', async () => {
    expect((await fetch(`${base}/storage/v1/x`, { headers: { apikey: 'anon-key' } })).status).toBe(404)
    const upstreams = { '/rest/v1': 'http://127.0.0.1:1', '/functions/v1': 'http://127.0.0.1:1' }
    const [down] = await serveGateway([{ project: 'p', port: 0, apiKeys: ['k'], upstreams }])
    const at = `http://127.0.0.1:${(down!.address() as AddressInfo).port}`
    const rest = await fetch(`${at}/rest/v1/`, { headers: { apikey: 'k' } })
    expect([rest.status, rest.headers.get('retry-after')]).toEqual([503, '1'])
    expect(await rest.json()).toMatchObject({ message: expect.stringContaining('/rest/v1 of p is not answering') })
    const fn = await fetch(`${at}/functions/v1/vector-search/search`, { method: 'POST', headers: { apikey: 'k' }, body: '{}' })
    expect([fn.status, fn.headers.get('retry-after')]).toEqual([503, '1'])
    expect((await fn.json()).error).toMatchObject({ code: 'service_unavailable', message: expect.stringContaining('may be restarting') })
    down!.close()
  })
})
