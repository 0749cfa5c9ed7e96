import { buildCorpus, type Chunk, syncCorpus } from '@vecpods/corpus'
import { repoRoot } from '@vecpods/registry/node'
import { createVectorClient } from '@vecpods/sdk'
import { adminSql, type StackOptions, stackEnvironment } from '@vecpods/stack'
import type postgres from 'postgres'

/**
 * The demo corpus seeded on the running stack (a no-op when it already is), and one admin
 * connection per pod holding the given collections; `end()` closes them.
 */
export async function seededPods(opts: StackOptions, collections: readonly string[]) {
  const env = await stackEnvironment(opts)
  const service = createVectorClient({ url: env.SUPABASE_URL!, key: env.SUPABASE_SERVICE_ROLE_KEY!, timeoutMs: 120_000 })
  const corpus: Chunk[] = buildCorpus(repoRoot)
  await syncCorpus(service, corpus)
  const pods = new Map<string, postgres.Sql>()
  for (const collection of collections) {
    const pod = opts.registry.collections[collection]!.pod
    if (!pods.has(pod)) pods.set(pod, adminSql(env[`VECPODS_${pod.toUpperCase()}_DB_URL`]!))
  }
  return {
    corpus,
    sqlOf: (collection: string) => pods.get(opts.registry.collections[collection]!.pod)!,
    end: () => Promise.all([...pods.values()].map((sql) => sql.end())),
  }
}
