/** The id collections filled by the generated lexical model record; no imports, so edge code can use it. */
export const LEXICAL_MODEL_ID = 'vecpods/lexical-384'
export const LEXICAL_DIMS = 384
/** The id of the generated static word-vector model (GloVe word vectors + the lexical part). */
export const STATIC_MODEL_ID = 'vecpods/static-384'

/** The generated offline models by their `VECPODS_EMBEDDER` choice, and the id each records. */
export const OFFLINE_MODELS = { static: STATIC_MODEL_ID, lexical: LEXICAL_MODEL_ID } as const
export type OfflineChoice = keyof typeof OFFLINE_MODELS

/** True when an embedder choice names one of the generated offline models. */
export const isOfflineChoice = (choice: string | undefined): choice is OfflineChoice => choice === 'static' || choice === 'lexical'
