/** The schema every collection's table lives in: vecs's own layout, so vecs can read the pods. */
export const COLLECTION_SCHEMA = 'vecs'

/** A double-quoted SQL identifier. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`

/**
 * A relation in the collections' schema as SQL: a collection's table (`vecs."docs"`) or one of its
 * indexes. Also valid as `::regclass` input.
 */
export const vecsTable = (name: string): string => `${COLLECTION_SCHEMA}.${quoteIdent(name)}`
