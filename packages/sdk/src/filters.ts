/** Operators on one metadata field, by the field's type: a wrong operator is a compile error. */
export type FieldFilter<V> = [V] extends [readonly (infer E)[]]
  ? { $contains?: E; $exists?: boolean }
  : [V] extends [number | string]
    ? { $eq?: V; $ne?: V; $gt?: V; $gte?: V; $lt?: V; $lte?: V; $in?: readonly V[]; $nin?: readonly V[]; $exists?: boolean }
    : [V] extends [boolean | null]
      ? { $eq?: V; $ne?: V; $in?: readonly V[]; $nin?: readonly V[]; $exists?: boolean }
      : {
          $eq?: string | number | boolean | null
          $ne?: string | number | boolean | null
          $gt?: string | number
          $gte?: string | number
          $lt?: string | number
          $lte?: string | number
          $in?: readonly (string | number | boolean | null)[]
          $nin?: readonly (string | number | boolean | null)[]
          $contains?: string | number | boolean | null
          $exists?: boolean
        }

/**
 * The vecs filter language over a collection's metadata type `M`: `{ field: { $op: value } }`,
 * several fields meaning "and", and `$and` / `$or` lists.
 */
export type Filter<M> = { [K in keyof M & string]?: FieldFilter<NonNullable<M[K]>> } & {
  $and?: readonly Filter<M>[]
  $or?: readonly Filter<M>[]
}
