import { z } from 'zod'
import { problemsFromZod, RegistryError } from './errors.ts'
import { parseRegistry } from './parse.ts'
import type { Registry } from './schema.ts'

/**
 * An overlay adds collections to a registry without touching the shipped file: the benchmark's
 * collections, say, which a local stack needs and a production project must not get. Each
 * collection is declared as in the registry and validated against it once merged.
 */
export const overlaySchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  collections: z.record(z.string(), z.unknown()),
})

export type Overlay = z.output<typeof overlaySchema>

/** Validates an overlay's shape (its collections are checked when applied). */
export function parseOverlay(input: unknown, source: string): Overlay {
  const result = overlaySchema.safeParse(input)
  if (!result.success) throw new RegistryError(source, problemsFromZod(result.error))
  return result.data
}

/**
 * The registry with the overlay's collections added after its own. A name the registry already
 * declares is refused, unless the overlay declares it identically (applying one overlay twice
 * changes nothing).
 */
export function applyOverlay(registry: Registry, overlay: Overlay, source: string): Registry {
  const added = parseRegistry({ ...registry, collections: overlay.collections }, source).collections
  const clashes = Object.keys(added).filter(
    (name) => Object.hasOwn(registry.collections, name) && JSON.stringify(registry.collections[name]) !== JSON.stringify(added[name]),
  )
  if (clashes.length) {
    throw new RegistryError(
      source,
      clashes.map((name) => ({ path: `collections.${name}`, message: 'the registry already declares this collection differently' })),
    )
  }
  return parseRegistry({ ...registry, collections: { ...registry.collections, ...added } }, source)
}

/** The collections of `merged` that `base` does not have, in order. */
export function overlaidCollections(base: Registry, merged: Registry): string[] {
  return Object.keys(merged.collections).filter((name) => !Object.hasOwn(base.collections, name))
}
