// LangChain.js's SupabaseVectorStore, unchanged, against the primary: the generated
// `langchain_match_docs` RPC reads the pod's rows through postgres_fdw and answers in the shape
// LangChain reads (content, metadata, similarity, embedding).
import { SupabaseVectorStore } from '@langchain/community/vectorstores/supabase'
import { Embeddings } from '@langchain/core/embeddings'
import { createClient } from '@supabase/supabase-js'
import { loadRegistry } from '@vecpods/registry/node'
import { adminSql, analyzeForeignTables, type ProjectEndpoints, stackEndpoints, stackEnvironment, stackOptions } from '@vecpods/stack'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createApp, type EdgeConfig, loadLocalConfig } from '../../src/index.ts'
import { prng, unit } from '../random.ts'

const opts = stackOptions(process.env, () => {})
const run = `lc-${Date.now().toString(36)}`
const random = prng(7)
const vectors = Array.from({ length: 8 }, () => unit(Array.from({ length: 384 }, () => random() - 0.5)))
// Record 1 is a near twin of record 0, so MMR has a redundant neighbour to skip.
vectors[1] = unit(vectors[0]!.map((x, i) => x + (i % 7 === 0 ? 0.02 : 0)))
let config: EdgeConfig
let primary: ProjectEndpoints

/** Embeddings that map the texts this test knows to their stored vectors. */
class KnownEmbeddings extends Embeddings {
  constructor() {
    super({})
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.vectorOf(t))
  }
  async embedQuery(text: string): Promise<number[]> {
    return this.vectorOf(text)
  }
  private vectorOf(text: string): number[] {
    const i = Number(/record (\d+)/.exec(text)?.[1] ?? 0)
    return vectors[i]!
  }
}

const store = () =>
  new SupabaseVectorStore(new KnownEmbeddings(), {
    client: createClient(primary.apiUrl, primary.keys.anonKey, { realtime: { transport: WebSocket as never } }),
    tableName: 'docs',
    queryName: 'langchain_match_docs',
  })

beforeAll(async () => {
  config = loadLocalConfig(loadRegistry(), await stackEnvironment(opts))
  const app = createApp(config)
  primary = (await stackEndpoints(opts)).find((e) => e.project === 'primary')!
  const records = vectors.map((vector, i) => ({
    id: `${run}-${i}`,
    vector,
    metadata: { run, text: `record ${i} of the LangChain test`, group: i % 2 ? 'odd' : 'even' },
  }))
  const res = await app.request('/collections/docs/records', {
    method: 'POST',
    headers: { authorization: `Bearer ${primary.keys.serviceRoleKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ records }),
  })
  expect(res.status).toBe(200)
  const sql = adminSql(primary.dbUrl)
  await analyzeForeignTables(sql).finally(() => sql.end())
})

afterAll(async () => {
  const pod = adminSql((await stackEndpoints(opts)).find((e) => e.project === 'pod_a')!.dbUrl)
  await pod`delete from vecs.docs where metadata @> ${pod.json({ run })}`.finally(() => pod.end())
  await Promise.all([...config.pods.values()].map((p) => p.close()))
})

describe('LangChain SupabaseVectorStore on the primary', () => {
  it('similaritySearchVectorWithScore returns the text as pageContent, the metadata and the similarity', async () => {
    const results = await store().similaritySearchVectorWithScore(vectors[3]!, 3, { run })
    expect(results).toHaveLength(3)
    const [doc, score] = results[0]!
    expect(doc.pageContent).toBe('record 3 of the LangChain test')
    expect(doc.metadata).toMatchObject({ run, group: 'odd' })
    expect(score).toBeCloseTo(1, 5)
    expect(results[1]![1]).toBeLessThan(score)
  })

  it('applies the filter object on the pod (metadata containment)', async () => {
    const results = await store().similaritySearchVectorWithScore(vectors[3]!, 8, { run, group: 'even' })
    expect(results.length).toBe(4)
    expect(results.every(([d]) => d.metadata.group === 'even')).toBe(true)
  })

  it('maxMarginalRelevanceSearch gets the embeddings back and skips the near twin', async () => {
    const plain = await store().similaritySearch('record 0', 2, { run })
    expect(plain.map((d) => d.pageContent)).toEqual(['record 0 of the LangChain test', 'record 1 of the LangChain test'])
    const diverse = await store().maxMarginalRelevanceSearch('record 0', { k: 2, fetchK: 8, lambda: 0.3, filter: { run } })
    expect(diverse).toHaveLength(2)
    expect(diverse[0]!.pageContent).toBe('record 0 of the LangChain test')
    expect(diverse[1]!.pageContent).not.toBe('record 1 of the LangChain test')
  })
})
