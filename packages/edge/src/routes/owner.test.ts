import { describe, expect, it } from 'vitest'
import { harness } from '../testing/harness.ts'

// A collection whose rows belong to someone (registry access "owner"): the edge passes the
// caller's verified claims to the pod, which keeps it to its rows; here, what the edge decides.
describe('collections with owners (in process, fake pods)', () => {
  it('searches act for a signed-in caller; anon and a JWT without the owner claim are refused', async () => {
    const { pods, request } = await harness()
    const anon = await request('POST', '/search', { collection: 'mine', vector: [1, 0, 0] })
    expect([anon.status, (await anon.json()).error.code]).toEqual([403, 'forbidden'])
    const nosub = await request('POST', '/search', { collection: 'mine', vector: [1, 0, 0] }, 'nosub')
    expect(nosub.status).toBe(403)
    expect((await nosub.json()).error.message).toMatch(/"sub" claim/)
    expect(pods.pod_b.searches).toHaveLength(0)

    expect((await request('POST', '/search', { collection: 'mine', vector: [1, 0, 0] }, 'user')).status).toBe(200)
    expect(pods.pod_b.searches[0]!.actAs).toMatchObject({ role: 'authenticated', sub: 'u1' })
    // service_role reads every row: the pod is not told to act for anyone.
    expect((await request('POST', '/search', { collection: 'mine', vector: [1, 0, 0] }, 'service_role')).status).toBe(200)
    expect(pods.pod_b.searches[1]!.actAs).toBeUndefined()
    // A public collection in the same fan-out is searched as before.
    expect((await request('POST', '/search', { collections: ['mine', 'posts'], vector: [1, 0, 0] }, 'user')).status).toBe(200)
    const byName = new Map(pods.pod_b.searches.slice(-2).map((q) => [q.collection, q.actAs]))
    expect([byName.get('mine')?.sub, byName.get('posts')]).toEqual(['u1', undefined])
  })

  it('lists the collection for signed-in callers and the service, not for anon', async () => {
    const { request } = await harness()
    const names = async (role: 'anon' | 'user' | 'service_role') =>
      ((await (await request('GET', '/collections', undefined, role)).json()).data as Array<{ name: string; access: string }>).map(
        (c) => `${c.name}:${c.access}`,
      )
    expect(await names('anon')).not.toContain('mine:owner')
    expect(await names('user')).toContain('mine:owner')
    expect(await names('service_role')).toContain('mine:owner')
  })

  it('a signed-in user writes as itself and never names an owner; the service names one per record', async () => {
    const { pods, request } = await harness()
    const own = await request('POST', '/collections/mine/records', { records: [{ id: 'a', vector: [1, 0, 0] }] }, 'user')
    expect(own.status).toBe(200)
    expect(pods.pod_b.upserts[0]).toMatchObject({ collection: 'mine', records: [{ id: 'a' }], actAs: { sub: 'u1' } })
    expect(pods.pod_b.upserts[0]!.records[0]!.owner).toBeUndefined()

    const named = await request('POST', '/collections/mine/records', { records: [{ id: 'b', vector: [1, 0, 0], owner: 'u2' }] }, 'user')
    expect([named.status, (await named.json()).error.code]).toEqual([403, 'forbidden'])
    // Users write only to collections with owners.
    expect((await request('POST', '/collections/posts/records', { records: [{ id: 'c', vector: [1, 0, 0] }] }, 'user')).status).toBe(403)

    const missing = await request('POST', '/collections/mine/records', { records: [{ id: 'd', vector: [1, 0, 0] }] }, 'service_role')
    expect([missing.status, (await missing.json()).error.message]).toEqual([400, expect.stringMatching(/records\.0\.owner: required/)])
    const shape = await request('POST', '/collections/mine/records', { records: [{ id: 'd', vector: [1, 0, 0], owner: ['u2'] }] }, 'service_role')
    expect(shape.status).toBe(400)
    const elsewhere = await request('POST', '/collections/posts/records', { records: [{ id: 'd', vector: [1, 0, 0], owner: 'u2' }] }, 'service_role')
    expect([elsewhere.status, (await elsewhere.json()).error.message]).toEqual([400, expect.stringMatching(/has no owners/)])
    const given = await request('POST', '/collections/mine/records', { records: [{ id: 'd', vector: [1, 0, 0], owner: 'u2' }] }, 'service_role')
    expect(given.status).toBe(200)
    expect(pods.pod_b.upserts.at(-1)).toMatchObject({ records: [{ id: 'd', owner: 'u2' }] })
    expect(pods.pod_b.upserts.at(-1)!.actAs).toBeUndefined()

    expect((await request('DELETE', '/collections/mine/records', { ids: ['a'] }, 'user')).status).toBe(200)
    expect(pods.pod_b.deletes[0]).toMatchObject({ collection: 'mine', ids: ['a'], actAs: { sub: 'u1' } })
    expect((await request('DELETE', '/collections/mine/records', { ids: ['a'] }, 'anon')).status).toBe(403)
  })
})
