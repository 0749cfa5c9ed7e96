import { type Collection, projectEnvNames, type Registry } from '@vecpods/registry'
import { UsageError } from './project.ts'

/**
 * A collection of the registry and its pod's database URL from the environment (the env file),
 * or a UsageError naming what is missing; `why` says what the command does with the database.
 */
export function collectionOnPod(registry: Registry, env: Record<string, string | undefined>, name: string, why: string): { col: Collection; dbUrl: string } {
  const col = registry.collections[name]
  if (!col) throw new UsageError(`no collection "${name}" in the registry (known: ${Object.keys(registry.collections).join(', ')})`)
  const dbUrlName = projectEnvNames(registry, col.pod).dbUrl
  const dbUrl = env[dbUrlName]
  if (!dbUrl) throw new UsageError(`${dbUrlName} is not set (in the env file or the environment): ${why} pod ${col.pod}'s database`)
  return { col, dbUrl }
}
