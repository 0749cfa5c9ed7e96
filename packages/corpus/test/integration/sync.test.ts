// The seed owns only its rows: a row written by anything else (vecs, a script, a user) survives
// every sync, while the seed's own rows follow the corpus.
import { createVectorClient } from '@vecpods/sdk'
import { stackEnvironment, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chunk, SEED_MARK, syncCorpus } from '../../src/index.ts'

const run = `seed-${Date.now().toString(36)}`
// A service-only collection the tests may write: the corpus itself does not use it.
const COLLECTION = 'bench_a' as Chunk['collection']
let client: ReturnType<typeof createVectorClient>
const chunk = (i: number): Chunk => ({ collection: COLLECTION, id: `${run}-seed-${i}`, text: `seeded chunk ${i} about vectors`, metadata: { run } })

beforeAll(async () => {
  const env = await stackEnvironment(stackOptions(process.env, () => {}))
  client = createVectorClient({ url: env.SUPABASE_URL!, key: env.SUPABASE_SERVICE_ROLE_KEY! })
  const foreign = await client.upsert(COLLECTION, [{ id: `${run}-foreign`, text: 'written by someone else', metadata: { run, by: 'vecs' } }])
  expect(foreign.error).toBeNull()
})

afterAll(async () => {
  await client.delete(COLLECTION, { filters: { run: { $eq: run } } })
})

describe('syncCorpus', () => {
  it('writes, updates and removes only its own rows', async () => {
    const [first] = await syncCorpus(client, [chunk(1), chunk(2)])
    expect(first).toMatchObject({ added: 2, removed: 0 })
    // The corpus shrinks to one chunk: the other seeded row goes, the foreign row stays.
    const [second] = await syncCorpus(client, [chunk(1)])
    expect(second).toMatchObject({ added: 0, removed: 1, unchanged: 1 })
    const { data } = await client.list(COLLECTION, { where: { run } as never, limit: 10 })
    expect((data ?? []).map((r) => r.id).sort()).toEqual([`${run}-foreign`, `${run}-seed-1`])
    const own = (data ?? []).find((r) => r.id === `${run}-seed-1`)!
    expect(own.metadata).toMatchObject(SEED_MARK)
  })
})
