import { z } from 'zod'
import { VecpodsError } from './errors.ts'

const finiteNumber = z.number().refine(Number.isFinite, 'must be a finite number')
const collectionName = z.string().min(1).max(64)

export const searchRequest = z
  .strictObject({
    collection: collectionName.optional(),
    collections: z.array(collectionName).min(1).max(16).optional(),
    query: z.string().min(1).max(2000).optional(),
    vector: z.array(finiteNumber).min(1).max(16000).optional(),
    limit: z.int().min(1).max(100).default(10),
    filters: z.record(z.string(), z.unknown()).optional(),
    include: z.strictObject({ metadata: z.boolean().default(true), value: z.boolean().default(false) }).default({ metadata: true, value: false }),
    ef_search: z.int().min(1).max(1000).optional(),
    /** Scan every row instead of the vector index: exact results, slower. */
    exact: z.boolean().default(false),
    model: z.string().min(1).max(200).optional(),
  })
  .refine((r) => (r.collection === undefined) !== (r.collections === undefined), {
    message: 'give exactly one of "collection" or "collections"',
  })
  .refine((r) => (r.query === undefined) !== (r.vector === undefined), { message: 'give exactly one of "query" or "vector"' })

const record = z.strictObject({
  id: z.string().min(1).max(256),
  vector: z.array(finiteNumber).min(1).max(16000).optional(),
  text: z.string().min(1).max(8000).optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
})

export const upsertRequest = z
  .strictObject({ records: z.array(record).min(1), model: z.string().min(1).max(200).optional() })
  .refine((r) => new Set(r.records.map((x) => x.id)).size === r.records.length, { message: 'record ids must be unique in one request' })

export const deleteRequest = z
  .strictObject({ ids: z.array(z.string().min(1).max(256)).min(1).max(1000).optional(), filters: z.record(z.string(), z.unknown()).optional() })
  .refine((r) => (r.ids === undefined) !== (r.filters === undefined), { message: 'give exactly one of "ids" or "filters"' })
  .refine((r) => r.filters === undefined || Object.keys(r.filters).length > 0, { message: '"filters" must not be empty (it would delete everything)' })

/** Validates a request body, answering 400 `invalid_request` naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const path = issue.path.map(String).join('.')
  throw new VecpodsError('invalid_request', path ? `${path}: ${issue.message}` : issue.message)
}
