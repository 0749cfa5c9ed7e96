import { Hono } from 'hono'
import type { Deployment } from '../deployment.ts'
import { readBody, searchRequest } from '../requests.ts'
import { mergeResults, planSearch, queryTargets, rerank, searchResponse, withQueryVector } from '../search/index.ts'
import type { AppEnv } from './env.ts'

/**
 * `POST /search`: nearest neighbours (`mode: "vector"`), full text (`"text"`) or both fused
 * (`"hybrid"`), in one collection or several merged by score. A pipeline of small steps
 * (`src/search/`): plan, embed, query each pod, merge, re-rank, answer.
 */
export function searchRoutes(dep: Deployment): Hono<AppEnv> {
  return new Hono<AppEnv>().post('/search', async (c) => {
    const started = performance.now()
    const req = await readBody(c, searchRequest)
    const plan = await withQueryVector(dep, planSearch(dep, req, c.get('caller')))
    const merged = mergeResults(await queryTargets(dep, plan), plan.fetch)
    const data = rerank(plan, merged.hits)
    const offline = plan.model ? dep.offlineKind(plan.model) : undefined
    return c.json(searchResponse(plan, data, merged, offline, performance.now() - started))
  })
}
