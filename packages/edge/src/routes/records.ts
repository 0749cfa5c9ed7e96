import type { DeleteResponse, UpsertResponse } from '@vecpods/protocol'
import { Hono } from 'hono'
import type { Limits } from '../config.ts'
import type { Deployment, Target } from '../deployment.ts'
import { VecpodsError } from '../errors.ts'
import { deleteRequest, readBody, upsertRequest } from '../requests.ts'
import type { AppEnv } from './env.ts'

/**
 * `POST` (upsert) and `DELETE` on `/collections/:name/records`: for the service role, and on a
 * collection with owners for signed-in users too, whose rows the pod keeps to their own.
 */
export function recordRoutes(dep: Deployment, limits: Limits): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post('/collections/:name/records', async (c) => {
      const target = dep.writeTarget(c.req.param('name'), c.get('caller'))
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
        checkOwner(target, r.owner, `records.${i}`)
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
      const records = req.records.map((r) => ({
        id: r.id,
        metadata: r.metadata,
        vector: r.vector ?? embedded[next++]!,
        ...(r.owner !== undefined ? { owner: r.owner } : {}),
      }))
      const upserted = await target.pod.upsert(target.name, model, records, target.actAs)
      dep.filled(target, model)
      dep.wrote(target)
      return c.json({ data: { upserted }, meta: { pod: target.col.pod, model } } satisfies UpsertResponse)
    })
    .delete('/collections/:name/records', async (c) => {
      const target = dep.writeTarget(c.req.param('name'), c.get('caller'))
      const req = await readBody(c, deleteRequest)
      const deleted = req.ids
        ? await target.pod.deleteIds(target.name, req.ids, target.actAs)
        : await target.pod.deleteWhere(target.name, dep.filter(req.filters, c.get('role'))!, target.actAs)
      dep.wrote(target)
      return c.json({ data: { deleted }, meta: { pod: target.col.pod } } satisfies DeleteResponse)
    })
}

/**
 * A record's `owner`: on a collection with owners, service_role gives one (a string, or an array
 * for an owner array) and a signed-in user never does (its claim owns its rows); elsewhere none.
 */
function checkOwner(target: Target, owner: string | string[] | undefined, at: string): void {
  const spec = target.col.owner
  if (!spec) {
    if (owner !== undefined) throw new VecpodsError('invalid_request', `${at}.owner: collection "${target.name}" has no owners (registry access "owner")`)
    return
  }
  if (target.actAs) {
    if (owner !== undefined)
      throw new VecpodsError('forbidden', `${at}.owner: your rows are owned by your "${spec.claim}" claim; only service_role sets an owner`)
    return
  }
  if (owner === undefined)
    throw new VecpodsError('invalid_request', `${at}.owner: required on collection "${target.name}" (${spec.many ? 'an array of owners' : 'a string'})`)
  if (Array.isArray(owner) !== spec.many)
    throw new VecpodsError('invalid_request', `${at}.owner: must be ${spec.many ? 'an array of owners' : 'a string'} on collection "${target.name}"`)
}
