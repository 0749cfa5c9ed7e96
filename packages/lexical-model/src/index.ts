export { buildLexicalModel, writeLexicalModel, type GeneratedModel } from './generate.ts'
export { LEXICAL_DIMS, LEXICAL_MODEL_ID } from './id.ts'
