import type { DeleteResponse, UpsertResponse } from '@vecpods/protocol'
import { Hono } from 'hono'
import type { Limits } from '../config.ts'
import type { Deployment } from '../deployment.ts'
import { VecpodsError } from '../errors.ts'
import { deleteRequest, readBody, upsertRequest } from '../requests.ts'
import type { AppEnv } from './env.ts'

/** `POST` (upsert) and `DELETE` on `/collections/:name/records`, for the service role. */
export function recordRoutes(dep: Deployment, limits: Limits): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post('/collections/:name/records', async (c) => {
      const target = dep.writeTarget(c.req.param('name'), c.get('role'))
      const req = await readBody(c, upsertRequest)
      if (req.records.length > limits.maxRecords) {
        throw new VecpodsError('payload_too_large', `at most ${limits.maxRecords} records per request, got ${req.records.length}`)
      }
      const model = dep.modelOfRequest(
        req.model,
        req.records.some((r) => r.text !== undefined),
      )
      req.records.forEach((r, i) => {
        if ((r.vector === undefined) === (r.text === undefined)) {
          throw new VecpodsError('invalid_request', `records.${i}: give exactly one of "vector" or "text"`)
        }
        if (r.vector) dep.checkVector(target, r.vector, `records.${i}.vector`)
      })
      const texts = req.records.flatMap((r) => (r.text === undefined ? [] : [r.text]))
      if (dep.maxTextsPerRequest !== undefined && texts.length > dep.maxTextsPerRequest) {
        throw new VecpodsError(
          'payload_too_large',
          `at most ${dep.maxTextsPerRequest} text records per request here (the model's CPU cost against the runtime's 2 s per request), got ${texts.length}: send smaller batches (the SDK's batchSize), or load large sets with pnpm run import`,
        )
      }
      const embedded = texts.length ? await dep.embedTexts(texts) : []
      for (const [i, vector] of embedded.entries()) dep.checkVector(target, vector, `records (text ${i})`)
      let next = 0
      const records = req.records.map((r) => ({ id: r.id, metadata: r.metadata, vector: r.vector ?? embedded[next++]! }))
      const upserted = await target.pod.upsert(target.name, model, records)
      dep.filled(target, model)
      dep.wrote(target)
      return c.json({ data: { upserted }, meta: { pod: target.col.pod, model } } satisfies UpsertResponse)
    })
    .delete('/collections/:name/records', async (c) => {
      const target = dep.writeTarget(c.req.param('name'), c.get('role'))
      const req = await readBody(c, deleteRequest)
      const deleted = req.ids ? await target.pod.deleteIds(target.name, req.ids) : await target.pod.deleteWhere(target.name, dep.filter(req.filters)!)
      dep.wrote(target)
      return c.json({ data: { deleted }, meta: { pod: target.col.pod } } satisfies DeleteResponse)
    })
}
