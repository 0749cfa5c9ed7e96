#!/usr/bin/env -S npx tsx
import { RegistryError } from '@vecpods/registry'
import { defaultRegistryPath, loadRegistry, repoRoot } from '@vecpods/registry/node'
import { Command } from 'commander'
import { runGen } from './gen.ts'

const program = new Command('vecpods-gen')
  .description('Generate migrations, Supabase configs and the registry JSON schema from vecpods.config.json')
  .option('-c, --config <path>', 'registry file', defaultRegistryPath())
  .option('--check', 'change nothing; exit 1 when the checked-in files differ from what the registry generates')
  .action((opts: { config: string; check?: boolean }) => {
    if (!runGen(repoRoot, loadRegistry(opts.config), { check: opts.check ?? false }, console.log)) process.exitCode = 1
  })

try {
  program.parse()
} catch (error) {
  if (!(error instanceof RegistryError)) throw error
  console.error(error.message)
  process.exitCode = 1
}
