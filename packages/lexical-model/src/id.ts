/** The id collections filled by the generated lexical model record; no imports, so edge code can use it. */
export const LEXICAL_MODEL_ID = 'vecpods/lexical-384'
export const LEXICAL_DIMS = 384
/** The id of the generated static word-vector model (GloVe word vectors + the lexical part). */
export const STATIC_MODEL_ID = 'vecpods/static-384'
