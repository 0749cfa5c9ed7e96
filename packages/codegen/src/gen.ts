import type { Registry } from '@vecpods/registry'
import { generate } from './generate.ts'
import { type Drift, findDrift, hasDrift, writeGenerated } from './write.ts'

function report(drift: Drift, writing: boolean, log: (line: string) => void): void {
  for (const path of drift.missing) log(`  ${writing ? 'created' : 'missing'}  ${path}`)
  for (const path of drift.changed) log(`  ${writing ? 'updated' : 'differs'}  ${path}`)
  for (const path of drift.stale) log(`  ${writing ? 'deleted' : 'stale  '}  ${path}`)
  for (const path of drift.kept) log(`  kept     ${path} (yours: it has no generated mark, so vecpods leaves it alone)`)
}

/**
 * Brings the generated files under `root` in line with the registry (or, with `check`, only says
 * whether they are): what `pnpm gen` and `vecpods gen` run. Returns false when a check finds drift.
 */
export function runGen(root: string, registry: Registry, options: { check?: boolean; command?: string }, log: (line: string) => void): boolean {
  const files = generate(registry)
  if (options.check) {
    const drift = findDrift(root, files)
    report(drift, false, log)
    if (!hasDrift(drift)) {
      log(`vecpods-gen: ${files.length} generated files match the registry`)
      return true
    }
    log(`vecpods-gen: generated files are out of date; run \`${options.command ?? 'pnpm gen'}\``)
    return false
  }
  const drift = writeGenerated(root, files)
  report(drift, true, log)
  log(`vecpods-gen: ${files.length} files up to date (${drift.missing.length + drift.changed.length + drift.stale.length} changed)`)
  return true
}
