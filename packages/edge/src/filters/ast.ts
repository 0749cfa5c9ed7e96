/** A metadata value a filter compares with: a JSON scalar. */
export type Scalar = string | number | boolean | null

/** Any JSON value (what `$eq`, `$ne`, `$in` and `$contains` may take, as in vecs). */
export type Json = Scalar | Json[] | { [key: string]: Json }

/** A validated filter, as a tree. `compile` turns it into SQL, `matches` evaluates it in TypeScript. */
export type Condition =
  | { kind: 'and'; parts: Condition[] }
  | { kind: 'or'; parts: Condition[] }
  | { kind: 'eq' | 'ne'; key: string; value: Json }
  | { kind: 'cmp'; key: string; op: '>' | '>=' | '<' | '<='; value: Scalar }
  | { kind: 'in' | 'nin'; key: string; values: Json[] }
  | { kind: 'contains'; key: string; value: Json }
  | { kind: 'exists'; key: string; exists: boolean }

export const isScalar = (v: unknown): v is Scalar => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
