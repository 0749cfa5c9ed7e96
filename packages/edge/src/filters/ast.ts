/** A metadata value a filter compares with: a JSON scalar. */
export type Scalar = string | number | boolean | null

/** A validated filter, as a tree. `compile` turns it into SQL, `matches` evaluates it in TypeScript. */
export type Condition =
  | { kind: 'and'; parts: Condition[] }
  | { kind: 'or'; parts: Condition[] }
  | { kind: 'eq' | 'ne'; key: string; value: Scalar }
  | { kind: 'cmp'; key: string; op: '>' | '>=' | '<' | '<='; value: string | number }
  | { kind: 'in' | 'nin'; key: string; values: Scalar[] }
  | { kind: 'contains'; key: string; value: Scalar }
  | { kind: 'exists'; key: string; exists: boolean }
