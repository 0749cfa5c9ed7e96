import { REQUEST_BOUNDS as B, type DeleteRequest, type SearchRequest, type UpsertRequest } from '@vecpods/protocol'
import type { Context } from 'hono'
import { z } from 'zod'

import { VecpodsError } from './errors.ts'
import { guardJson } from './json-guard.ts'

/** A vector element: pgvector stores float4, so anything that rounds to ±Infinity there is refused here. */
const element = z
  .number()
  .refine(Number.isFinite, 'must be a finite number')
  .refine((x) => Number.isFinite(Math.fround(x)), 'is outside the float4 range (±3.4e38) that pgvector stores')
const collectionName = z.string().min(1).max(B.maxCollectionNameChars)
const vector = z.array(element).min(1).max(B.maxVectorDims)
const model = z.string().min(1).max(B.maxModelChars)

/** Fusion settings of a hybrid search (protocol `HybridOptions`); the plan fills in each method's defaults. */
const hybridOptions = z.strictObject({
  method: z.enum(['convex', 'rrf']).optional(),
  k: z.int().min(0).max(1000).optional(),
  vector_weight: z.number().min(0).max(100).optional(),
  text_weight: z.number().min(0).max(100).optional(),
})

export const searchRequest = z
  .strictObject({
    collection: collectionName.optional(),
    collections: z
      .array(collectionName)
      .min(1)
      .max(B.maxCollections)
      .refine((names) => new Set(names).size === names.length, 'names each collection once')
      .optional(),
    query: z.string().min(1).max(B.maxQueryChars).optional(),
    vector: vector.optional(),
    limit: z.int().min(1).max(B.maxLimit).default(B.defaultLimit),
    filters: z.record(z.string(), z.unknown()).optional(),
    include: z.strictObject({ metadata: z.boolean().default(true), value: z.boolean().default(false) }).default({ metadata: true, value: false }),
    ef_search: z.int().min(1).max(B.maxEfSearch).optional(),
    exact: z.boolean().default(false),
    model: model.optional(),
    mmr: z.strictObject({ lambda: z.number().min(0).max(1).default(0.5), fetch_k: z.int().min(1).max(B.maxLimit).optional() }).optional(),
    mode: z.enum(['vector', 'text', 'hybrid']).default('vector'),
    hybrid: hybridOptions.optional(),
  })
  .refine((r) => (r.collection === undefined) !== (r.collections === undefined), {
    message: 'give exactly one of "collection" or "collections"',
  })
  .superRefine((r, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message })
    if (r.mode === 'vector' && (r.query === undefined) === (r.vector === undefined)) problem('give exactly one of "query" or "vector"')
    if (r.mode !== 'vector' && r.query === undefined) problem(`mode "${r.mode}" needs "query"`)
    if (r.mode === 'text' && r.vector !== undefined) problem('mode "text" takes no "vector"')
    if (r.mode !== 'vector' && r.mmr !== undefined) problem('"mmr" works with mode "vector" only')
    if (r.mode !== 'hybrid' && r.hybrid !== undefined) problem('"hybrid" settings need mode "hybrid"')
    if (r.hybrid?.k !== undefined && (r.hybrid.method ?? 'convex') !== 'rrf') problem('"hybrid.k" is the rank constant of method "rrf"')
  })

const record = z.strictObject({
  id: z.string().min(1).max(B.maxIdChars),
  vector: vector.optional(),
  text: z.string().min(1).max(B.maxTextChars).optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  owner: z.union([z.string().min(1).max(B.maxIdChars), z.array(z.string().min(1).max(B.maxIdChars)).min(1).max(64)]).optional(),
})

export const upsertRequest = z
  .strictObject({ records: z.array(record).min(1), model: model.optional() })
  .refine((r) => new Set(r.records.map((x) => x.id)).size === r.records.length, { message: 'record ids must be unique in one request' })

export const deleteRequest = z
  .strictObject({
    ids: z.array(z.string().min(1).max(B.maxIdChars)).min(1).max(B.maxDeleteIds).optional(),
    filters: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((r) => (r.ids === undefined) !== (r.filters === undefined), { message: 'give exactly one of "ids" or "filters"' })
  .refine((r) => r.filters === undefined || Object.keys(r.filters).length > 0, { message: '"filters" must not be empty (it would delete everything)' })

// The schemas accept exactly the wire contract's shapes: a change to one without the other fails the type check.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const contract: [
  Same<z.input<typeof searchRequest>, SearchRequest>,
  Same<z.input<typeof upsertRequest>, UpsertRequest>,
  Same<z.input<typeof deleteRequest>, DeleteRequest>,
] = [true, true, true]
void contract

/** Validates a request body, answering 400 `invalid_request` naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const path = issue.path.map(String).join('.')
  throw new VecpodsError('invalid_request', path ? `${path}: ${issue.message}` : issue.message)
}

/**
 * Reads a JSON body and validates it: 415 for another media type, 400 for bad JSON, for anything
 * PostgreSQL could not store faithfully (`guardJson`) or a bad shape.
 */
export async function readBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new VecpodsError('unsupported_media_type', 'send the body as application/json')
  }
  let body: unknown
  try {
    body = await c.req.json()
  } catch (error) {
    if (error instanceof VecpodsError) throw error
    throw new VecpodsError('invalid_request', 'the body is not valid JSON')
  }
  guardJson(body)
  return parseBody(schema, body)
}
