export { type BuiltModel, buildLexicalModel, type GeneratedModel, modelCacheDir, writeLexicalModel, writeModel } from './generate.ts'
export { isOfflineChoice, LEXICAL_DIMS, LEXICAL_MODEL_ID, OFFLINE_MODELS, type OfflineChoice, STATIC_MODEL_ID } from './id.ts'
export { buildStaticModel, IDENTIFIER_SPLIT, STATIC_WEIGHTS, type StaticWeights, writeStaticModel } from './static-model.ts'
