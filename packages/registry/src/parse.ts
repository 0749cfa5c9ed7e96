import { problemsFromZod, RegistryError } from './errors.ts'
import { PRIMARY, type Registry, registrySchema } from './schema.ts'

/** Validates a parsed registry object; throws a `RegistryError` naming every bad field. */
export function parseRegistry(input: unknown, source = 'vecpods.config.json'): Registry {
  const result = registrySchema.safeParse(input)
  if (!result.success) throw new RegistryError(source, problemsFromZod(result.error))
  return result.data
}

/** Parses registry JSON text, reporting syntax errors the same way as schema errors. */
export function parseRegistryText(text: string, source = 'vecpods.config.json'): Registry {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new RegistryError(source, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }])
  }
  return parseRegistry(json, source)
}

/** Every project in the registry, primary first, then pods in file order. */
export function projectNames(registry: Registry): string[] {
  return [PRIMARY, ...Object.keys(registry.pods)]
}

/** The `hnsw.ef_search` a project (the primary or a pod) searches with by default. */
export function efSearchOf(registry: Registry, project: string): number {
  return project === PRIMARY ? registry.primary.efSearch : registry.pods[project]!.efSearch
}

/**
 * The `hnsw.ef_search` a search of `col` runs with when its vectors come from `model`: the
 * collection's value for that model (or its single value), else its pod's default.
 */
export function collectionEfSearch(registry: Registry, col: Registry['collections'][string], model: string | undefined): number {
  const own = typeof col.efSearch === 'number' ? col.efSearch : model !== undefined ? col.efSearch?.[model] : undefined
  return own ?? efSearchOf(registry, col.pod)
}

/** The collections a project (the primary or a pod) holds, in file order. */
export function collectionsOn(registry: Registry, project: string): [string, Registry['collections'][string]][] {
  return Object.entries(registry.collections).filter(([, c]) => c.pod === project)
}

/** Pods that have a collection the primary reaches through a foreign table. */
export function fdwPods(registry: Registry): string[] {
  const pods = Object.values(registry.collections)
    .filter((c) => c.pod !== PRIMARY && c.onPrimary === 'foreign_table')
    .map((c) => c.pod)
  return [...new Set(pods)]
}
