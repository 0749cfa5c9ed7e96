// A worker thread that embeds text with transformers.js (the model the edge would use), so the
// importer's main thread keeps reading, validating and writing while the model runs.
import { parentPort, workerData } from 'node:worker_threads'
import { transformersEmbedder } from '@vecpods/edge'

const { model, dims, kind, localModelPath } = workerData as { model: string; dims: number; kind: 'semantic' | 'static' | 'lexical'; localModelPath?: string }
const embedder = transformersEmbedder({ model, dims, kind, ...(localModelPath ? { localModelPath } : {}) })

parentPort!.on('message', async ({ id, texts }: { id: number; texts: string[] }) => {
  try {
    parentPort!.postMessage({ id, vectors: await embedder.embed(texts) })
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message })
  }
})
