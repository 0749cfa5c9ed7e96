import { parseRegistry } from '@vecpods/registry'
import { SignJWT } from 'jose'
import { createApp } from '../app.ts'
import { DEFAULT_LIMITS, type Limits } from '../config.ts'
import { type Deployment, deployment } from '../deployment.ts'
import type { Embedder } from '../embed/types.ts'
import { type FakePod, fakePod } from './fake-pod.ts'

const SECRET = 'in-process-test-secret-of-at-least-32-chars'

/**
 * A three-dimensional registry: docs (pod_a, cosine); posts, drafts and notes (pod_b, l2; drafts
 * service-only); mine (pod_b, rows owned by the JWT's sub). docs and posts have full text. Public
 * callers may fan out over 2.
 */
export const testRegistry = () =>
  parseRegistry({
    model: { id: 'test/model', dims: 3 },
    publicLimits: { maxCollections: 2, maxEfSearch: 200, maxBodyBytes: 2048, filter: { maxComparisons: 128, maxDepth: 4, maxBytes: 1500 } },
    pods: { pod_a: { efSearch: 60 }, pod_b: {} },
    collections: {
      docs: { pod: 'pod_a', dims: 3, measure: 'cosine', fullText: {} },
      posts: { pod: 'pod_b', dims: 3, measure: 'l2', fullText: {} },
      drafts: { pod: 'pod_b', dims: 3, measure: 'l2', access: 'service' },
      notes: { pod: 'pod_b', dims: 3, measure: 'l2', efSearch: 77 },
      mine: { pod: 'pod_b', dims: 3, measure: 'l2', access: 'owner', owner: {} },
    },
  })

/** An embedder that maps each text to a fixed vector and counts what it embedded. */
export function fakeEmbedder(kind: Embedder['kind'] = 'semantic'): Embedder & { calls: string[][] } {
  const calls: string[][] = []
  return {
    model: 'test/model',
    dims: 3,
    kind,
    calls,
    async embed(texts) {
      calls.push(texts)
      return texts.map((t) => [t.length, 1, 0])
    },
  }
}

/** An embedder whose model never loads. */
export function brokenEmbedder(): Embedder {
  return {
    model: 'test/model',
    dims: 3,
    kind: 'semantic',
    embed: () => Promise.reject(new Error('model files not found')),
  }
}

/** The deployment the routes share, on the test registry and fake pods: for testing one step of a route without HTTP. */
export function testDeployment(options: { embedder?: Embedder } = {}): { dep: Deployment; pods: { pod_a: FakePod; pod_b: FakePod } } {
  const pods = { pod_a: fakePod('pod_a', ['docs']), pod_b: fakePod('pod_b', ['posts', 'drafts', 'notes', 'mine']) }
  const dep = deployment({
    registry: testRegistry(),
    jwtSecret: SECRET,
    pods: new Map<string, FakePod>(Object.entries(pods)),
    limits: DEFAULT_LIMITS,
    ...(options.embedder ? { embedder: options.embedder } : {}),
  })
  return { dep, pods }
}

/** The app on fake pods, with tokens for each role and a JSON request helper. */
export async function harness(options: { embedder?: Embedder; limits?: Partial<Limits>; basePath?: string } = {}) {
  const registry = testRegistry()
  const pods = { pod_a: fakePod('pod_a', ['docs']), pod_b: fakePod('pod_b', ['posts', 'drafts', 'notes', 'mine']) }
  const app = createApp({
    registry,
    jwtSecret: SECRET,
    pods: new Map<string, FakePod>(Object.entries(pods)),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    ...(options.embedder ? { embedder: options.embedder } : {}),
    ...(options.basePath ? { basePath: options.basePath } : {}),
  })
  const key = new TextEncoder().encode(SECRET)
  const token = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key)
  const tokens = {
    anon: await token({ role: 'anon' }),
    service_role: await token({ role: 'service_role' }),
    /** A signed-in user (sub u1). */
    user: await token({ role: 'authenticated', sub: 'u1' }),
    /** A signed-in caller without a sub claim. */
    nosub: await token({ role: 'authenticated' }),
  }
  const request = (method: string, path: string, body?: unknown, role: keyof typeof tokens = 'anon') =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  return { app, pods, registry, tokens, request }
}
export type { FakePod } from './fake-pod.ts'
export { fakePod, podDown, podTimeout } from './fake-pod.ts'
