import { floorOption, tuneAndRecord } from '@vecpods/import/tune'
import { loadRegistry } from '@vecpods/registry/node'
import { collectionOnPod } from './pod-db.ts'

export interface TuneFlags {
  recall: string
  queries: string
  dryRun?: boolean
  all?: boolean
  floor?: string
}

/**
 * `vecpods tune <collection>`: the sweep `pnpm tune` runs, on the collection's pod (its database URL
 * from the env file), written into the project's registry. Returns the exit status: 0, or 3 when
 * no ef_search up to 1000 reaches the target.
 */
export async function tuneCommand(
  configPath: string,
  env: Record<string, string | undefined>,
  collection: string,
  flags: TuneFlags,
  log: (line: string) => void,
): Promise<number> {
  const started = performance.now()
  const registry = loadRegistry(configPath)
  const { col, dbUrl } = collectionOnPod(registry, env, collection, 'the tune measures on')
  const options = {
    target: Number(flags.recall),
    queries: Number(flags.queries),
    all: flags.all ?? false,
    dryRun: flags.dryRun ?? false,
    ...floorOption(flags.floor),
  }
  const { chosen, file } = await tuneAndRecord(dbUrl, collection, col, [configPath], options, log)
  if (chosen === undefined) return 3
  if (file) log('tune: `npx vecpods deploy` sends it to the function')
  log(`tune: done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return 0
}
