import { localEmbedders, selectEmbedder } from '@vecpods/edge'
import { PRIMARY } from '@vecpods/registry'
import { createVectorClient } from '@vecpods/sdk'
import { adminSql, stackEndpoints, stackEnvironment, stackOptions } from '@vecpods/stack'
import { BENCH_COLLECTIONS, type Context, INGEST_SEED, podOf } from './context.ts'
import { type DataSpec, type Distribution, emptyTable, loadedWith, loadTable, sampleVectors } from './data.ts'
import { type BenchResults, type IngestResult, rate } from './results.ts'
import { questionText } from './texts.ts'

export async function loadData(ctx: Context, model: string): Promise<BenchResults['load']> {
  const out: BenchResults['load'] = []
  for (const [i, name] of BENCH_COLLECTIONS.entries()) {
    const col = ctx.registry.collections[name]!
    const spec: DataSpec = { rows: ctx.o.rows, dims: col.dims, clusters: ctx.o.clusters, noise: ctx.o.noise, seed: 0.5 + i / 10 }
    const db = ctx.connect(podOf(ctx, name).dbUrl)
    const base = { collection: name, pod: col.pod, transport: ctx.registry.pods[col.pod]!.transport }
    const earlier = ctx.o.reload ? null : await loadedWith(db, name, spec)
    if (earlier) {
      ctx.ui.log(`  ${name} on ${col.pod}: ${spec.rows.toLocaleString('en')} rows already loaded (pass --reload to generate them again)`)
      out.push({ ...base, reused: true, ...earlier })
      continue
    }
    const bar = ctx.ui.phase(`load ${name}`, spec.rows)
    let shown = 0
    const timings = await loadTable(
      db,
      name,
      spec,
      model,
      (done) => {
        bar.tick(done - shown)
        shown = done
      },
      () => {
        bar.done()
        ctx.ui.log(`  ${name}: rows in, building the HNSW index…`)
      },
    )
    ctx.ui.log(
      `  ${name} on ${col.pod}: ${timings.rows.toLocaleString('en')} rows generated in ${(timings.insertMs / 1000).toFixed(1)} s, HNSW index built in ${(timings.indexMs / 1000).toFixed(1)} s`,
    )
    out.push({ ...base, reused: false, ...timings })
  }
  return out
}

/** Vectors given and text given, through the edge upsert route in batches of 200; removed after. */
export async function measureIngestion(ctx: Context, distribution: Distribution): Promise<{ vectors: IngestResult; text: IngestResult }> {
  const target = 'bench_b'
  const client = createVectorClient({ url: ctx.eps.get(PRIMARY)!.apiUrl, key: ctx.serviceKey, retry: { retries: 0 } })
  const db = ctx.connect(podOf(ctx, target).dbUrl)
  const run = `ingest-${Date.now().toString(36)}`
  try {
    const vectors = await sampleVectors(db, distribution, ctx.o.ingestVectors, INGEST_SEED)
    const timed = async (label: string, records: Parameters<typeof client.upsert>[1]): Promise<IngestResult> => {
      const bar = ctx.ui.phase(label, records.length)
      let shown = 0
      const started = performance.now()
      const { data, error } = await client.upsert(target, records, {
        batchSize: 200,
        onProgress: (p) => {
          bar.tick(p.done - shown)
          shown = p.done
        },
      })
      const ms = performance.now() - started
      bar.done()
      if (error) throw new Error(`${label}: ${error.code}: ${error.message}`)
      return rate(data.upserted, ms)
    }
    const withVectors = await timed(
      'ingest vectors',
      vectors.map((vector, i) => ({ id: `${run}-v${i}`, vector, metadata: { run } })),
    )
    const withText = await timed(
      'ingest text',
      Array.from({ length: ctx.o.ingestTexts }, (_, i) => ({ id: `${run}-t${i}`, text: `${questionText(i * 13 + 5)} (${run})`, metadata: { run } })),
    )
    ctx.ui.log(
      `  edge upsert into ${target}: ${withVectors.rowsPerSecond.toFixed(0)} rows/s with vectors, ${withText.rowsPerSecond.toFixed(0)} rows/s with text`,
    )
    return { vectors: withVectors, text: withText }
  } finally {
    const { error } = await client.delete(target, { filters: { run: { $eq: run } } })
    if (error) ctx.ui.log(`  could not remove the ingested rows (${error.message}); \`pnpm bench --reload\` regenerates ${target}`)
    await db.unsafe(`vacuum (analyze) vecs."${target}"`)
  }
}

/** The edge's embedder in this process: texts one per call against batches. */
export async function measureEmbedding(ctx: Context): Promise<BenchResults['embedding']> {
  const embedder = selectEmbedder(ctx.registry, await stackEnvironment(ctx.stack), localEmbedders)
  if (!embedder) throw new Error('no embedder configured for the stack (VECPODS_EMBEDDER)')
  const texts = Array.from({ length: ctx.o.embedTexts }, (_, i) => questionText(i * 31 + 7))
  await embedder.embed(['warm up the model'])
  const time = async (label: string, batch: number): Promise<IngestResult> => {
    const bar = ctx.ui.phase(label, texts.length)
    const started = performance.now()
    for (let i = 0; i < texts.length; i += batch) {
      const vectors = await embedder.embed(texts.slice(i, i + batch))
      if (vectors.length !== Math.min(batch, texts.length - i)) throw new Error('the embedder returned the wrong number of vectors')
      bar.tick(vectors.length)
    }
    const ms = performance.now() - started
    bar.done()
    return rate(texts.length, ms)
  }
  const single = await time('embed one by one', 1)
  const batched = await time(`embed ×${ctx.o.embedBatch}`, ctx.o.embedBatch)
  ctx.ui.log(
    `  ${embedder.model} (${embedder.kind}) in Node: ${single.rowsPerSecond.toFixed(0)} texts/s one by one, ${batched.rowsPerSecond.toFixed(0)} texts/s in batches of ${ctx.o.embedBatch}`,
  )
  return { texts: texts.length, batch: ctx.o.embedBatch, single, batched }
}

/** Empties the bench collections (`pnpm bench --clean`). */
export async function cleanBench(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = console.log): Promise<void> {
  const stack = stackOptions(env, log)
  const eps = new Map((await stackEndpoints(stack)).map((e) => [e.project, e]))
  for (const name of BENCH_COLLECTIONS) {
    const pod = stack.registry.collections[name]?.pod
    if (!pod) continue
    const db = adminSql(eps.get(pod)!.dbUrl)
    try {
      await emptyTable(db, name)
      log(`emptied ${name} on ${pod}`)
    } finally {
      await db.end()
    }
  }
}
