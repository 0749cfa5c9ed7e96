// pnpm model [--kind static|lexical] [--out dir]: writes an offline model where the local stack loads it.

import path from 'node:path'
import { parseArgs } from 'node:util'
import { writeLexicalModel } from './generate.ts'
import { writeStaticModel } from './static-model.ts'

const { values } = parseArgs({ options: { out: { type: 'string', default: '.vecpods/models' }, kind: { type: 'string', default: 'static' } } })
if (values.kind !== 'static' && values.kind !== 'lexical') throw new Error(`--kind must be static or lexical, got "${values.kind}"`)
const started = performance.now()
const model = await (values.kind === 'static' ? writeStaticModel : writeLexicalModel)(path.resolve(values.out))
const size = `${(model.bytes / 1024 / 1024).toFixed(1)} MB`
console.log(
  model.written
    ? `${values.kind} model ${model.id} written to ${model.dir} (${model.vocabSize} tokens, ${size}) in ${Math.round(performance.now() - started)} ms`
    : `${values.kind} model ${model.id} up to date in ${model.dir}`,
)
