export { buildLexicalModel, type GeneratedModel, writeLexicalModel } from './generate.ts'
export { LEXICAL_DIMS, LEXICAL_MODEL_ID } from './id.ts'
