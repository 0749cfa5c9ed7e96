import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import type { Collection } from '../../registry/src/index.ts'
import { roleOf, type Role } from './auth.ts'
import type { EdgeConfig } from './config.ts'
import { queryCache } from './embed/query-cache.ts'
import { VecpodsError } from './errors.ts'
import { parseFilter, type Condition } from './filters/index.ts'
import { scoreOf } from './pods/distance.ts'
import type { PodClient } from './pods/types.ts'
import { deleteRequest, parseBody, searchRequest, upsertRequest } from './requests.ts'

export interface AppOptions extends EdgeConfig {
  /** Route prefix: `/vector-search` when served as a Supabase Edge Function. */
  basePath?: string
}

type Vars = { Variables: { role: Role } }

export interface SearchHit {
  id: string
  score: number
  collection: string
  pod: string
  metadata?: Record<string, unknown>
  value?: number[]
}

/**
 * The vector-search API as a Hono app, free of runtime-specific APIs: the Deno entry
 * (`supabase/functions/vector-search`) and the Node entry only serve `app.fetch`.
 */
export function createApp(options: AppOptions): Hono<Vars> {
  const { registry, pods, limits, embedder } = options
  const secret = new TextEncoder().encode(options.jwtSecret)
  const app = new Hono<Vars>().basePath(options.basePath ?? '/')

  app.use(
    '*',
    cors({
      origin: '*',
      allowHeaders: ['authorization', 'x-client-info', 'apikey', 'content-type'],
      allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
      maxAge: 86400,
    }),
  )
  app.use(
    '*',
    bodyLimit({
      maxSize: limits.maxBodyBytes,
      onError: () => {
        throw new VecpodsError('payload_too_large', `request bodies are limited to ${limits.maxBodyBytes} bytes`)
      },
    }),
  )
  app.use('*', async (c, next) => {
    c.set('role', await roleOf(c.req.header('authorization'), secret))
    await next()
  })

  const collectionFor = (name: string, role: Role): Collection => {
    const col = Object.hasOwn(registry.collections, name) ? registry.collections[name] : undefined
    if (!col) throw new VecpodsError('unknown_collection', `no collection "${name}" (known: ${Object.keys(registry.collections).join(', ')})`)
    if (col.access === 'service' && role !== 'service_role') {
      throw new VecpodsError('forbidden', `collection "${name}" is readable by service_role only`)
    }
    return col
  }
  const podFor = (col: Collection): PodClient => {
    const pod = pods.get(col.pod)
    if (!pod) throw new VecpodsError('pod_unavailable', `pod "${col.pod}" is not configured`)
    return pod
  }
  const requireService = (role: Role) => {
    if (role !== 'service_role') throw new VecpodsError('forbidden', 'writes need the service_role key')
  }
  const filterOf = (filters: Record<string, unknown> | undefined): Condition | undefined =>
    filters && Object.keys(filters).length > 0 ? parseFilter(filters) : undefined
  /** The model vectors without a `model` field are taken to come from. */
  const deploymentModel = embedder?.model ?? registry.model.id
  const cachedQuery = embedder ? queryCache(embedder) : undefined
  const noModel = () => new VecpodsError('invalid_request', 'this deployment has no embedding model configured: send "vector" instead of text')
  /** A model can return NaN (say, for a text of nothing it knows); pgvector would refuse it. */
  const usable = (vector: number[], what: string) => {
    if (!vector.every(Number.isFinite)) throw new VecpodsError('invalid_request', `${what}: the model gives no usable vector for this text`)
    return vector
  }
  const embedQuery = async (text: string) => (cachedQuery ? usable(await cachedQuery(text), 'query') : Promise.reject(noModel()))
  const embedTexts = async (texts: string[]) =>
    embedder ? (await embedder.embed(texts)).map((v, i) => usable(v, `records (text ${i})`)) : Promise.reject(noModel())
  /** The model each collection was filled with, once known (it never changes after the first write). */
  const filledWith = new Map<string, string>()
  const checkModel = async (name: string, col: Collection, model: string) => {
    let recorded = filledWith.get(name)
    if (recorded === undefined) {
      const fromPod = await podFor(col).modelOf(name)
      if (fromPod === null) return
      filledWith.set(name, (recorded = fromPod))
    }
    if (recorded !== model) throw new VecpodsError('model_mismatch', `collection "${name}" holds "${recorded}" embeddings, not "${model}"`)
  }
  /** The model of a request's vectors: text is embedded by the deployment's model. */
  const modelOfRequest = (req: { model?: string | undefined }, hasText: boolean) => {
    if (hasText && req.model !== undefined && req.model !== deploymentModel) {
      throw new VecpodsError('model_mismatch', `text is embedded with "${deploymentModel}" here, not "${req.model}"`)
    }
    return req.model ?? deploymentModel
  }
  const checkDims = (name: string, col: Collection, vector: number[], at: string) => {
    if (vector.length !== col.dims) {
      throw new VecpodsError('dimension_mismatch', `${at}: collection "${name}" takes ${col.dims} dimensions, got ${vector.length}`)
    }
  }
  /** Failures a fan-out survives: the other pods' results are returned with `meta.partial`. */
  const degradable = (error: unknown) => error instanceof VecpodsError && (error.code === 'pod_unavailable' || error.code === 'timeout')

  app.post('/search', async (c) => {
    const started = performance.now()
    const req = parseBody(searchRequest, await jsonBody(c))
    const names = req.collections ?? [req.collection!]
    const role = c.get('role')
    const cols = names.map((name) => [name, collectionFor(name, role)] as const)
    const filter = filterOf(req.filters)
    const model = modelOfRequest(req, req.query !== undefined)
    const vector = req.vector ?? (await embedQuery(req.query!))
    for (const [name, col] of cols) checkDims(name, col, vector, 'vector')

    const settled = await Promise.allSettled(
      cols.map(async ([name, col]) => {
        await checkModel(name, col, model)
        const hits = await podFor(col).search({
          collection: name,
          measure: col.measure,
          vector,
          limit: req.limit,
          ...(filter ? { filter } : {}),
          includeMetadata: req.include.metadata,
          includeValue: req.include.value,
          ...(req.ef_search ? { efSearch: req.ef_search } : {}),
          exact: req.exact,
        })
        return hits.map(({ distance, ...hit }): SearchHit => ({ ...hit, score: scoreOf(col.measure, distance), collection: name, pod: col.pod }))
      }),
    )
    const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ collection: names[i]!, error: s.reason as unknown }] : []))
    if (failures.length === settled.length) throw failures[0]!.error
    const fatal = failures.find((f) => !degradable(f.error))
    if (fatal) throw fatal.error

    const data = settled
      .flatMap((s) => (s.status === 'fulfilled' ? s.value : []))
      // One sort for every pod and transport: merges a fan-out, and re-sorts relaxed_order scans.
      .sort((a, b) => b.score - a.score)
      .slice(0, req.limit)
    return c.json({
      data,
      meta: {
        pods: [...new Set(cols.map(([, col]) => col.pod))],
        model,
        ...(embedder?.kind === 'lexical' && model === embedder.model ? { lexical: true } : {}),
        took_ms: Math.round((performance.now() - started) * 100) / 100,
        ...(failures.length
          ? {
              partial: true,
              errors: failures.map((f) => ({ collection: f.collection, ...(f.error as VecpodsError).toJSON().error })),
            }
          : {}),
      },
    })
  })

  app.post('/collections/:name/records', async (c) => {
    requireService(c.get('role'))
    const name = c.req.param('name')
    const col = collectionFor(name, c.get('role'))
    const req = parseBody(upsertRequest, await jsonBody(c))
    if (req.records.length > limits.maxRecords) {
      throw new VecpodsError('payload_too_large', `at most ${limits.maxRecords} records per request, got ${req.records.length}`)
    }
    const hasText = req.records.some((r) => r.text !== undefined)
    const model = modelOfRequest(req, hasText)
    req.records.forEach((r, i) => {
      if ((r.vector === undefined) === (r.text === undefined)) {
        throw new VecpodsError('invalid_request', `records.${i}: give exactly one of "vector" or "text"`)
      }
      if (r.vector) checkDims(name, col, r.vector, `records.${i}.vector`)
    })
    const texts = req.records.flatMap((r) => (r.text === undefined ? [] : [r.text]))
    const embedded = texts.length ? await embedTexts(texts) : []
    for (const [i, vector] of embedded.entries()) checkDims(name, col, vector, `records (text ${i})`)
    let next = 0
    const records = req.records.map((r) => ({ id: r.id, metadata: r.metadata, vector: r.vector ?? embedded[next++]! }))
    const upserted = await podFor(col).upsert(name, model, records)
    filledWith.set(name, model)
    return c.json({ data: { upserted }, meta: { pod: col.pod, model } })
  })

  app.delete('/collections/:name/records', async (c) => {
    requireService(c.get('role'))
    const name = c.req.param('name')
    const col = collectionFor(name, c.get('role'))
    const req = parseBody(deleteRequest, await jsonBody(c))
    const pod = podFor(col)
    const deleted = req.ids ? await pod.deleteIds(name, req.ids) : await pod.deleteWhere(name, parseFilter(req.filters))
    return c.json({ data: { deleted }, meta: { pod: col.pod } })
  })

  app.get('/collections', async (c) => {
    const role = c.get('role')
    const visible = Object.entries(registry.collections).filter(([, col]) => col.access === 'public' || role === 'service_role')
    const byPod = new Map<string, Promise<Awaited<ReturnType<PodClient['catalog']>> | VecpodsError>>()
    for (const [, col] of visible) {
      if (!byPod.has(col.pod)) byPod.set(col.pod, podFor(col).catalog().catch((e: unknown) => (e instanceof VecpodsError ? e : Promise.reject(e))))
    }
    const data = await Promise.all(
      visible.map(async ([name, col]) => {
        const catalog = await byPod.get(col.pod)!
        const row = catalog instanceof VecpodsError ? undefined : catalog.find((r) => r.name === name)
        return {
          name,
          pod: col.pod,
          dims: col.dims,
          measure: col.measure,
          index: col.index,
          access: col.access,
          columns: col.columns,
          model: row?.model ?? null,
          rows: row?.rows ?? null,
          available: !(catalog instanceof VecpodsError),
        }
      }),
    )
    return c.json({ data, meta: { model: deploymentModel, embedder: embedder ? { model: embedder.model, kind: embedder.kind } : null } })
  })

  app.get('/health', async (c) => {
    const entries = await Promise.all(
      [...pods.entries()].map(async ([name, pod]) => {
        try {
          return [name, { ok: true, latency_ms: Math.round((await pod.ping()) * 100) / 100 }] as const
        } catch (error) {
          return [name, { ok: false, error: error instanceof VecpodsError ? error.code : 'internal' }] as const
        }
      }),
    )
    const ok = entries.every(([, e]) => e.ok)
    return c.json({ status: ok ? 'ok' : 'degraded', pods: Object.fromEntries(entries) }, ok ? 200 : 503)
  })

  app.notFound((c) => c.json(new VecpodsError('not_found', `no route ${c.req.method} ${c.req.path}`).toJSON(), 404))
  app.onError((error, c) => {
    if (error instanceof VecpodsError) return c.json(error.toJSON(), error.status)
    if (error instanceof HTTPException) {
      const code = error.status === 413 ? 'payload_too_large' : 'invalid_request'
      return c.json(new VecpodsError(code, error.message).toJSON(), code === 'payload_too_large' ? 413 : 400)
    }
    console.error('vector-search: unexpected error', error)
    return c.json(new VecpodsError('internal', 'internal error').toJSON(), 500)
  })
  return app
}

/** Reads a JSON body, answering 415 / 400 for anything else. */
async function jsonBody(c: Context): Promise<unknown> {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new VecpodsError('unsupported_media_type', 'send the body as application/json')
  }
  try {
    return await c.req.json()
  } catch (error) {
    if (error instanceof VecpodsError) throw error
    throw new VecpodsError('invalid_request', 'the body is not valid JSON')
  }
}
