#!/usr/bin/env -S npx tsx
import { RegistryError } from '@vecpods/registry'
import { defaultRegistryPath, loadRegistry, repoRoot } from '@vecpods/registry/node'
import { Command } from 'commander'
import { generate } from './generate.ts'
import { type Drift, findDrift, hasDrift, writeGenerated } from './write.ts'

function report(drift: Drift, verb: string): void {
  for (const path of drift.missing) console.log(`  ${verb === 'wrote' ? 'created' : 'missing'}  ${path}`)
  for (const path of drift.changed) console.log(`  ${verb === 'wrote' ? 'updated' : 'differs'}  ${path}`)
  for (const path of drift.stale) console.log(`  ${verb === 'wrote' ? 'deleted' : 'stale  '}  ${path}`)
  for (const path of drift.kept) console.log(`  kept     ${path} (yours: it has no generated mark, so vecpods leaves it alone)`)
}

const program = new Command('vecpods-gen')
  .description('Generate migrations, Supabase configs and the registry JSON schema from vecpods.config.json')
  .option('-c, --config <path>', 'registry file', defaultRegistryPath())
  .option('--check', 'change nothing; exit 1 when the checked-in files differ from what the registry generates')
  .action((opts: { config: string; check?: boolean }) => {
    const files = generate(loadRegistry(opts.config))
    if (opts.check) {
      const drift = findDrift(repoRoot, files)
      if (!hasDrift(drift)) return console.log(`vecpods-gen: ${files.length} generated files match the registry`)
      report(drift, 'check')
      console.error('vecpods-gen: generated files are out of date; run `pnpm gen`')
      process.exitCode = 1
      return
    }
    const drift = writeGenerated(repoRoot, files)
    report(drift, 'wrote')
    console.log(`vecpods-gen: ${files.length} files up to date (${drift.missing.length + drift.changed.length + drift.stale.length} changed)`)
  })

try {
  program.parse()
} catch (error) {
  if (!(error instanceof RegistryError)) throw error
  console.error(error.message)
  process.exitCode = 1
}
