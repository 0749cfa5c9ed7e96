import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { runGen } from '@vecpods/codegen'
import { loadRegistry } from '@vecpods/registry/node'
import { functionFiles, isOurs } from './function-files.ts'
import { CONFIG_FILE, UsageError } from './project.ts'
import { starterRegistry, versionAt } from './starter.ts'

export interface InitOptions {
  pod: string
  collection: string
  now?: Date
  /** The function's files (default: those the build put beside the CLI). */
  functionFiles?: Array<{ path: string; content: string }>
}

/**
 * Adds vecpods to the Supabase project in `root`: the registry (unless there is one), the
 * vector-search function, and the generated migrations of the primary (in the project's own
 * `supabase/migrations`, numbered after everything already there) and of each pod
 * (`supabase/pods/<pod>/supabase`). Running it again changes nothing that is up to date, and never
 * touches a file vecpods did not write.
 */
export function init(root: string, options: InitOptions, log: (line: string) => void): void {
  if (!existsSync(join(root, 'supabase', 'config.toml'))) {
    throw new UsageError(`${root} is not a Supabase project (no supabase/config.toml): run \`supabase init\` there first, or pass --cwd`)
  }
  const configPath = join(root, CONFIG_FILE)
  if (existsSync(configPath)) log(`  kept     ${CONFIG_FILE} (already there)`)
  else {
    writeFileSync(configPath, starterRegistry({ ...options, epoch: firstVersion(root, options.now ?? new Date()) }))
    log(`  created  ${CONFIG_FILE} (pod "${options.pod}", collection "${options.collection}")`)
  }
  for (const file of options.functionFiles ?? functionFiles()) {
    const path = join(root, file.path)
    const existing = existsSync(path) ? readFileSync(path, 'utf8') : undefined
    if (existing === file.content) continue
    if (existing !== undefined && !isOurs(file.path, existing, file.content)) {
      log(`  kept     ${file.path} (yours: vecpods did not write it)`)
      continue
    }
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, file.content)
    log(`  ${existing === undefined ? 'created' : 'updated'}  ${file.path}`)
  }
  runGen(root, loadRegistry(configPath), { command: 'npx vecpods gen' }, log)
}

/**
 * The generated migrations' first version: now, or just after the project's latest migration when
 * that is later (a clock behind the team's), so `supabase db push` applies ours after theirs.
 */
function firstVersion(root: string, now: Date): string {
  const dir = join(root, 'supabase', 'migrations')
  const theirs = existsSync(dir) ? (readdirVersions(dir).at(-1) ?? '0') : '0'
  const at = versionAt(now)
  return BigInt(theirs) >= BigInt(at) ? String(BigInt(theirs) + 100n) : at
}

function readdirVersions(dir: string): string[] {
  return readdirSync(dir)
    .map((f) => /^(\d{14})_/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort()
}
