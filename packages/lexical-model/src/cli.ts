// pnpm model [--out dir]: writes the offline lexical model where the local stack loads it.

import path from 'node:path'
import { parseArgs } from 'node:util'
import { writeLexicalModel } from './generate.ts'

const { values } = parseArgs({ options: { out: { type: 'string', default: '.vecpods/models' } } })
const started = performance.now()
const model = await writeLexicalModel(path.resolve(values.out))
const size = `${(model.bytes / 1024 / 1024).toFixed(1)} MB`
console.log(
  model.written
    ? `lexical model ${model.id} written to ${model.dir} (${model.vocabSize} tokens, ${size}) in ${Math.round(performance.now() - started)} ms`
    : `lexical model ${model.id} up to date in ${model.dir}`,
)
