#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { runGen } from '@vecpods/codegen'
import { RegistryError } from '@vecpods/registry'
import { loadRegistry } from '@vecpods/registry/node'
import { Command } from 'commander'
import { deploy } from './deploy.ts'
import { init } from './init.ts'
import { findProject, UsageError } from './project.ts'

const program = new Command('vecpods')
  .description('vecpods: vector collections on their own Postgres pods, searched through one Supabase edge function')
  .option('-C, --cwd <dir>', 'run as if started in <dir>', process.cwd())
  .option('-c, --config <path>', 'registry file (default: the nearest vecpods.config.json)')
  .showHelpAfterError()

const globals = () => program.opts<{ cwd: string; config?: string }>()

program
  .command('init')
  .description('add vecpods to the Supabase project here: vecpods.config.json, the vector-search function, generated migrations (safe to run again)')
  .option('--pod <name>', 'name of the first pod', 'pod_a')
  .option('--collection <name>', 'name of the first collection', 'docs')
  .action((opts: { pod: string; collection: string }) => {
    const root = resolve(globals().cwd)
    init(root, opts, console.log)
    console.log(`vecpods init: done. Next: edit vecpods.config.json, run \`npx vecpods gen\`, then \`npx vecpods deploy --dry-run\``)
  })

program
  .command('gen')
  .description('regenerate the migrations and schema from vecpods.config.json')
  .option('--check', 'change nothing; exit 1 when the files differ from what the registry generates')
  .action((opts: { check?: boolean }) => {
    const { root, configPath } = findProject(globals().cwd, globals().config)
    if (!runGen(root, loadRegistry(configPath), { check: opts.check ?? false, command: 'npx vecpods gen' }, console.log)) process.exitCode = 1
  })

program
  .command('deploy')
  .description('push every project’s migrations, connect the primary to the pods, set the function’s secrets and deploy it')
  .option('--env-file <path>', 'connection settings of the projects (database URLs, SUPABASE_PROJECT_REF, VECPODS_JWT_SECRET)', '.env.vecpods')
  .option('--dry-run', 'print the plan, run nothing')
  .option('--supabase-cli <path>', 'the Supabase CLI to run', 'supabase')
  .action(async (opts: { envFile: string; dryRun?: boolean; supabaseCli: string }) => {
    const { root, configPath } = findProject(globals().cwd, globals().config)
    const envPath = resolve(root, opts.envFile)
    const fromFile = existsSync(envPath) ? parseEnv(readFileSync(envPath, 'utf8')) : {}
    if (!existsSync(envPath)) console.log(`vecpods deploy: no ${opts.envFile}; reading the environment only`)
    const ok = await deploy(
      loadRegistry(configPath),
      { ...process.env, ...fromFile },
      root,
      { dryRun: opts.dryRun ?? false, supabaseCli: opts.supabaseCli },
      console.log,
    )
    if (!ok) process.exitCode = 1
  })

try {
  await program.parseAsync()
} catch (error) {
  if (!(error instanceof UsageError || error instanceof RegistryError)) throw error
  console.error(error.message)
  process.exitCode = 1
}
