import { Worker } from 'node:worker_threads'
import { isOfflineChoice, OFFLINE_MODELS } from '@vecpods/offline-models'

/**
 * A worker running `embed-worker.ts`. Workers do not inherit the `--import tsx` loader, so the
 * worker registers tsx itself before importing the TypeScript module.
 */
function tsWorker(data: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api')
  const entry = new URL('./embed-worker.ts', import.meta.url).href
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(code, { eval: true, workerData: data })
}

export interface EmbedPoolOptions {
  model: string
  dims: number
  kind: 'semantic' | 'static' | 'lexical'
  localModelPath?: string
  /** Worker threads (default: 2). Each loads the model once. */
  workers?: number
}

/** Text embedding spread over worker threads, one request at a time per worker. */
export interface EmbedPool {
  embed(texts: string[]): Promise<number[][]>
  close(): Promise<void>
}

export function embedPool(options: EmbedPoolOptions): EmbedPool {
  const { workers: count = 2, ...data } = options
  const workers = Array.from({ length: count }, () => tsWorker(data))
  const idle = [...workers]
  const waiting: Array<(w: Worker) => void> = []
  let next = 0
  const acquire = () => new Promise<Worker>((resolve) => (idle.length ? resolve(idle.pop()!) : waiting.push(resolve)))
  const release = (w: Worker) => {
    const taker = waiting.shift()
    if (taker) taker(w)
    else idle.push(w)
  }
  return {
    async embed(texts) {
      const worker = await acquire()
      const id = next++
      try {
        return await new Promise<number[][]>((resolve, reject) => {
          const onMessage = (m: { id: number; vectors?: number[][]; error?: string }) => {
            if (m.id !== id) return
            worker.off('message', onMessage)
            if (m.error) reject(new Error(`embedding failed: ${m.error}`))
            else resolve(m.vectors!)
          }
          worker.on('message', onMessage)
          worker.postMessage({ id, texts })
        })
      } finally {
        release(worker)
      }
    },
    close: async () => void (await Promise.all(workers.map((w) => w.terminate()))),
  }
}

/** The deployment's embedding model, chosen from the environment, and a pool started on first use. */
export interface DeploymentEmbedder {
  /** The generated offline model when `VECPODS_EMBEDDER` is `static` (the local stack) or `lexical`, else the registry's model. */
  model: string
  embed(texts: string[]): Promise<number[][]>
  close(): Promise<void>
}

/**
 * Embeds as the edge would outside Supabase's runtime (the rule of its `selectEmbedder`): the
 * generated offline model from `VECPODS_MODEL_PATH` when `VECPODS_EMBEDDER` is `static` or `lexical`, else the
 * registry's model with transformers.js. The worker threads start at the first text.
 */
export function deploymentEmbedder(model: { id: string; dims: number }, env: Record<string, string | undefined>, workers?: number): DeploymentEmbedder {
  const choice = env.VECPODS_EMBEDDER
  const kind = isOfflineChoice(choice) ? choice : 'semantic'
  const modelPath = env.VECPODS_MODEL_PATH
  const id = kind === 'semantic' ? model.id : OFFLINE_MODELS[kind]
  let pool: EmbedPool | undefined
  return {
    model: id,
    embed(texts) {
      pool ??= embedPool({
        model: id,
        dims: model.dims,
        kind,
        ...(modelPath ? { localModelPath: modelPath } : {}),
        ...(workers ? { workers } : {}),
      })
      return pool.embed(texts)
    },
    close: async () => pool?.close(),
  }
}
