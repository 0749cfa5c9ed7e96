#!/usr/bin/env -S npx tsx
import { RegistryError } from '@vecpods/registry'
import { Command } from 'commander'
import type { ProjectEndpoints } from './env-file.ts'
import { shownPath, stackOptions } from './options.ts'
import { PortInUseError } from './ports.ts'
import { down, reset, status, up } from './stack.ts'

function printEndpoints(all: ProjectEndpoints[], envFile: string): void {
  console.log('')
  for (const ep of all) {
    console.log(`${ep.project}`)
    console.log(`  API URL           ${ep.apiUrl}   (REST: ${ep.apiUrl}/rest/v1)`)
    console.log(`  DB URL            ${ep.dbUrl}`)
    console.log(`  anon key          ${ep.keys.anonKey}`)
    console.log(`  service_role key  ${ep.keys.serviceRoleKey}`)
  }
  console.log(`\nwrote ${envFile}`)
}

const program = new Command('vecpods-stack').description(
  'The local vecpods stack: a primary and one database per pod, each with pgvector, PostgREST and a Supabase-shaped URL',
)

program
  .command('up')
  .description('start every component not running yet (initdb and migrations on first start)')
  .option('-q, --quiet', 'print only the URLs and keys')
  .action(async (o: { quiet?: boolean }) => {
    const opts = stackOptions(process.env, o.quiet ? () => {} : undefined)
    console.log('vecpods stack: starting')
    const all = await up(opts)
    printEndpoints(all, shownPath(opts, opts.envFile))
    console.log('vecpods stack: up')
  })

program
  .command('down')
  .description('stop every process the stack started; data is kept')
  .action(async () => {
    const stopped = await down(stackOptions())
    console.log(stopped.length ? `vecpods stack: stopped ${stopped.join(', ')}` : 'vecpods stack: nothing was running')
  })

program
  .command('status')
  .description('show every component, its URL and whether it answers')
  .option('--json', 'machine-readable output')
  .action(async (o: { json?: boolean }) => {
    const rows = await status(stackOptions())
    if (o.json) return console.log(JSON.stringify(rows, null, 2))
    for (const r of rows) {
      console.log(
        `${r.project.padEnd(10)} ${r.component.padEnd(10)} ${(r.running ? 'running' : 'stopped').padEnd(8)} ${r.url}${r.detail ? `  (${r.detail})` : ''}`,
      )
    }
    process.exitCode = rows.every((r) => r.running) ? 0 : 3
  })

program
  .command('reset')
  .description('stop the stack, delete every database and start again from the migrations')
  .action(async () => {
    const opts = stackOptions()
    const all = await reset(opts)
    printEndpoints(all, shownPath(opts, opts.envFile))
    console.log('vecpods stack: reset and up')
  })

program.parseAsync().catch((error: unknown) => {
  if (error instanceof RegistryError || error instanceof PortInUseError) console.error(`vecpods stack: ${error.message}`)
  else console.error(`vecpods stack: ${(error as Error).message ?? error}`)
  process.exitCode = 1
})
