import { AutoTokenizer, env, pipeline } from '@huggingface/transformers'

env.localModelPath = '/tmp/models'
env.allowRemoteModels = false
const tok = await AutoTokenizer.from_pretrained('vecpods/static-384')
console.log(tok.tokenize('Use toLowerCase on an HTTPServer with AbortController'))
const ex = await pipeline('feature-extraction', 'vecpods/static-384', { dtype: 'fp32' })
const q = [
  'how do I cancel a fetch request',
  'AbortController: abort a request or DOM operation with a signal',
  'Reads the contents of a file asynchronously',
  'The cat sat on the mat',
  'stop an ongoing HTTP call',
]
const v = (await ex(q, { pooling: 'mean', normalize: true })).tolist() as number[][]
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0)
for (let i = 1; i < q.length; i++) console.log(q[i], dot(v[0]!, v[i]!).toFixed(3))
