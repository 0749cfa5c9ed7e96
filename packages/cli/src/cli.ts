#!/usr/bin/env node
import { resolve } from 'node:path'
import { runGen } from '@vecpods/codegen'
import { type MoveFlags, runMove } from '@vecpods/move'
import { RegistryError } from '@vecpods/registry'
import { loadRegistry } from '@vecpods/registry/node'
import { Command } from 'commander'
import { deploy } from './deploy.ts'
import { withEnvFile } from './env-file.ts'
import { EVAL_MODES, evalCommand } from './eval-command.ts'
import { type ImportFlags, importCommand } from './import-command.ts'
import { init } from './init.ts'
import { findProject, UsageError } from './project.ts'
import { type TuneFlags, tuneCommand } from './tune-command.ts'

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
    const { env, found } = withEnvFile(root, opts.envFile)
    if (!found) console.log(`vecpods deploy: no ${opts.envFile}; reading the environment only`)
    const ok = await deploy(loadRegistry(configPath), env, root, { dryRun: opts.dryRun ?? false, supabaseCli: opts.supabaseCli }, console.log)
    if (!ok) process.exitCode = 1
  })

program
  .command('import')
  .description('load an NDJSON or CSV file of { id, vector, metadata } records straight into a collection on its pod (resumable)')
  .argument('<file>', 'one record per line (.ndjson, .jsonl), or a CSV file with a header (id, vector, metadata, other columns)')
  .requiredOption('--collection <name>', 'the collection to load into')
  .option('--format <format>', 'ndjson or csv (default: from the file name)')
  .option('--batch-size <n>', 'records per transaction', '2000')
  .option('--rebuild-index <when>', 'drop the vector index for the load and build it after: auto | always | never', 'auto')
  .option('--writers <n>', 'connections writing batches at once while the vector index stays', '2')
  .option('--tune <when>', 'measure recall after the load and store the ef_search that reaches --recall: auto (10,000 rows or more) | always | never', 'auto')
  .option('--recall <target>', 'recall@10 the closing tune aims for', '0.95')
  .option('--env-file <path>', "the pods' database URLs", '.env.vecpods')
  .action(async (file: string, opts: ImportFlags & { envFile: string }) => {
    const { root, configPath } = findProject(globals().cwd, globals().config)
    await importCommand(configPath, loadRegistry(configPath), withEnvFile(root, opts.envFile).env, resolve(globals().cwd, file), opts, console.log)
  })

program
  .command('tune')
  .description('measure recall@10 against exact search on the pod, sweep hnsw.ef_search, and store the smallest value reaching the target in the registry')
  .argument('<collection>')
  .option('--recall <target>', 'recall@10 to reach', '0.95')
  .option('--queries <n>', 'rows of the collection used as queries (each held out of its own answers)', '200')
  .option('--dry-run', 'measure and report, change nothing')
  .option('--all', 'sweep every ef_search value, not only up to the first that reaches the target')
  .option('--floor <ef>', 'the smallest ef_search to choose (default 160, the registry default: rows as queries overstate recall)')
  .option('--env-file <path>', "the pods' database URLs", '.env.vecpods')
  .action(async (collection: string, opts: TuneFlags & { envFile: string }) => {
    const { root, configPath } = findProject(globals().cwd, globals().config)
    process.exitCode = await tuneCommand(configPath, withEnvFile(root, opts.envFile).env, collection, opts, console.log)
  })

program
  .command('move')
  .description('move a collection to another pod while it serves (logical replication, a short write pause, checksums, a placement switch)')
  .argument('<collection>')
  .option('--to <pod>', 'the pod to move it to')
  .option('--finish', 'after the switch: drop the copy on the source pod')
  .option('--abort', 'undo a move that has not switched yet')
  .option('--status', 'show the collection’s placement and any move in progress')
  .option('--env-file <path>', 'database URLs of the primary and the pods', '.env.vecpods')
  .action(async (collection: string, opts: MoveFlags & { envFile: string }) => {
    const { root, configPath } = findProject(globals().cwd, globals().config)
    const setting = {
      registry: loadRegistry(configPath),
      registryFiles: [configPath],
      root,
      env: withEnvFile(root, opts.envFile).env,
      command: 'npx vecpods move',
    }
    await runMove(setting, collection, opts, console.log)
  })

program
  .command('eval')
  .description('score search quality through the deployed function: MRR@10, nDCG@10, recall@10 and hit@1 per collection and mode')
  .argument('<questions>', 'a JSON file: [{ "q": "…", "collection": "docs", "relevant": ["row id", …] }]')
  .option('--modes <list>', 'search modes to score, comma-separated', EVAL_MODES.join(','))
  .option('--url <url>', 'the function (default: $SUPABASE_URL/functions/v1/vector-search)')
  .option('--env-file <path>', 'SUPABASE_URL and SUPABASE_ANON_KEY of the primary project', '.env.vecpods')
  .action(async (file: string, opts: { modes: string; url?: string; envFile: string }) => {
    const { root } = findProject(globals().cwd, globals().config)
    const env = withEnvFile(root, opts.envFile).env
    const url = opts.url ?? (env.SUPABASE_URL ? `${env.SUPABASE_URL.replace(/\/$/, '')}/functions/v1/vector-search` : undefined)
    if (!url) throw new UsageError('say where the function is: --url, or SUPABASE_URL in the env file')
    if (!env.SUPABASE_ANON_KEY) throw new UsageError('SUPABASE_ANON_KEY is not set (in the env file or the environment): the eval searches as your users do')
    await evalCommand(resolve(globals().cwd, file), { url, key: env.SUPABASE_ANON_KEY, modes: opts.modes.split(',') }, console.log)
  })

try {
  await program.parseAsync()
} catch (error) {
  // One line for what the user can fix; the stack too for anything else, or with VECPODS_DEBUG.
  const expected = error instanceof UsageError || error instanceof RegistryError
  console.error(expected || !process.env.VECPODS_DEBUG ? `vecpods: ${(error as Error).message}` : error)
  process.exitCode = 1
}
