import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import { callerVerifier, type Role } from './auth.ts'
import { callerKey, callerLimits } from './caller-limits.ts'
import type { EdgeConfig } from './config.ts'
import { deployment } from './deployment.ts'
import { VecpodsError } from './errors.ts'
import { catalogRoutes } from './routes/catalog.ts'
import type { AppEnv } from './routes/env.ts'
import { recordRoutes } from './routes/records.ts'
import { searchRoutes } from './routes/search.ts'

export interface AppOptions extends EdgeConfig {
  /** Route prefix: `/vector-search` when served as a Supabase Edge Function. */
  basePath?: string
}

/**
 * The vector-search API as a Hono app, free of runtime-specific APIs: the Deno entry
 * (`supabase/functions/vector-search`) and the Node entry only serve `app.fetch`.
 */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const { limits } = options
  const callerOf = callerVerifier(new TextEncoder().encode(options.jwtSecret))
  const dep = deployment(options)
  const app = new Hono<AppEnv>().basePath(options.basePath ?? '/')

  app.use(
    '*',
    cors({
      origin: '*',
      allowHeaders: ['authorization', 'x-client-info', 'apikey', 'content-type'],
      allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
      exposeHeaders: ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy'],
      maxAge: 86400,
    }),
  )
  app.use('*', async (c, next) => {
    const verified = await callerOf(c.req.header('authorization'))
    const key = callerKey(verified, (name) => c.req.header(name))
    const caller = key === undefined ? verified : { ...verified, key }
    c.set('caller', caller)
    c.set('role', caller.role)
    await next()
  })
  // Per caller (a user, or an anonymous client address): requests a minute, and in flight.
  for (const limit of callerLimits(options.registry.publicLimits)) app.use('*', limit)
  /** A body limit per role, refusing with 413 and a message naming the bound. */
  const bodyLimits = (route: 'search' | undefined, what: (maxSize: number, role: Role) => string) =>
    new Map(
      (['anon', 'authenticated', 'service_role'] as const).map((role) => {
        const maxSize = dep.maxBodyBytes(role, route)
        const onError = () => {
          throw new VecpodsError('payload_too_large', what(maxSize, role))
        }
        return [role, bodyLimit({ maxSize, onError })]
      }),
    )
  // The body limit depends on the caller's role: service_role may send 4 MiB, the public less.
  const anyBody = bodyLimits(undefined, (maxSize, role) => `request bodies are limited to ${maxSize} bytes for ${role} callers`)
  app.use('*', (c, next) => anyBody.get(c.get('role'))!(c, next))
  // A public search has a bound of its own, from what the public limits let it hold: a bigger
  // body is refused by its Content-Length before a byte of it is parsed.
  const searchBody = bodyLimits(
    'search',
    (maxSize, role) => `search bodies are limited to ${maxSize} bytes for ${role} callers (what publicLimits allow a search to hold)`,
  )
  app.use('/search', (c, next) => searchBody.get(c.get('role'))!(c, next))

  app.route('/', searchRoutes(dep))
  app.route('/', recordRoutes(dep, limits))
  app.route('/', catalogRoutes(dep, options.pods))

  app.notFound((c) => c.json(new VecpodsError('not_found', `no route ${c.req.method} ${c.req.path}`).toJSON(), 404))
  app.onError((error, c) => {
    if (error instanceof VecpodsError) {
      // Moving collections and models still loading are worth a retry in a moment.
      if (error.code === 'service_unavailable' || error.code === 'rate_limited') c.header('Retry-After', '1')
      return c.json(error.toJSON(), error.status)
    }
    if (error instanceof HTTPException) {
      const code = error.status === 413 ? 'payload_too_large' : 'invalid_request'
      return c.json(new VecpodsError(code, error.message).toJSON(), code === 'payload_too_large' ? 413 : 400)
    }
    console.error('vector-search: unexpected error', error)
    return c.json(new VecpodsError('internal', 'internal error').toJSON(), 500)
  })
  return app
}
