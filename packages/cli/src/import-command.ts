import { importFile, importSummary } from '@vecpods/import/file'
import { type Format, formatOf } from '@vecpods/import/records'
import { closingTune, type TuneAfterImport } from '@vecpods/import/tune'
import type { Registry } from '@vecpods/registry'
import { collectionOnPod } from './pod-db.ts'
import { UsageError } from './project.ts'

export interface ImportFlags {
  collection: string
  format?: Format
  batchSize: string
  rebuildIndex: 'auto' | 'always' | 'never'
  writers?: string
  tune: TuneAfterImport
  recall: string
}

/**
 * Loads a file of `{ id, vector, metadata }` records (NDJSON or CSV) straight into a collection on
 * its pod, as `pnpm import` does in the vecpods repository: batches of one transaction each, a
 * resume after an interruption, rejects with their line and reason. Records with text instead of a
 * vector are refused: the CLI carries no embedding model (the edge function embeds; see the README).
 * A large load ends with a tune (`--tune`), which writes the ef_search the collection now needs into the registry.
 */
export async function importCommand(
  configPath: string,
  registry: Registry,
  env: Record<string, string | undefined>,
  file: string,
  flags: ImportFlags,
  log: (line: string) => void,
): Promise<void> {
  const { col, dbUrl } = collectionOnPod(registry, env, flags.collection, 'the import writes straight to')
  const model = col.model ?? registry.model.id
  log(`vecpods import: ${file} → ${flags.collection} (pod ${col.pod}), vectors of ${model}`)
  let last = 0
  const result = await importFile({
    file,
    format: flags.format ?? formatOf(file),
    collection: flags.collection,
    col,
    dbUrl,
    model,
    embed: async () => {
      throw new UsageError(
        'the file has records with text and no vector: `vecpods import` loads vectors only (it carries no embedding model); embed them first, or upsert them through the vector-search function, which embeds with gte-small',
      )
    },
    batchSize: Number(flags.batchSize),
    rebuildIndex: flags.rebuildIndex,
    onNotice: log,
    ...(flags.writers ? { writers: Number(flags.writers) } : {}),
    onProgress: (p) => {
      // A line every 2 s on long loads, and one at each phase's end.
      if (performance.now() - last < 2000 && p.done < p.total) return
      last = performance.now()
      log(`  ${p.phase.padEnd(8)} ${p.done}/${p.total}  ${p.rows} rows, ${p.rejected} rejected${p.detail ? `  ${p.detail}` : ''}`)
    },
  })
  for (const line of importSummary(result, file)) log(line)
  const hint = 'tune: `npx vecpods deploy` sends it to the function'
  await closingTune(
    { dbUrl, collection: flags.collection, col, files: [configPath], when: flags.tune, recall: Number(flags.recall), rows: result.rows, deployHint: hint },
    log,
  )
  log(`vecpods import: done in ${(result.ms / 1000).toFixed(1)} s`)
}
