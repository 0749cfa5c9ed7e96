import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

export const CONFIG_FILE = 'vecpods.config.json'

/** A user's project: the directory holding `vecpods.config.json` (and `supabase/`). */
export interface Project {
  root: string
  configPath: string
}

/** A problem with what the user asked for: printed as one line, exit status 1, no stack trace. */
export class UsageError extends Error {}

/**
 * The project the CLI works on: `--config`, else `$VECPODS_CONFIG`, else the nearest
 * `vecpods.config.json` in `cwd` or above it.
 */
export function findProject(cwd: string, config?: string, env: NodeJS.ProcessEnv = process.env): Project {
  const given = config ?? env.VECPODS_CONFIG
  if (given) {
    const configPath = resolve(cwd, given)
    if (!existsSync(configPath)) throw new UsageError(`no registry at ${configPath}`)
    return { root: dirname(configPath), configPath }
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE))) return { root: dir, configPath: join(dir, CONFIG_FILE) }
    if (dirname(dir) === dir) throw new UsageError(`no ${CONFIG_FILE} here or above ${resolve(cwd)}: run \`npx vecpods init\` in your Supabase project first`)
  }
}
