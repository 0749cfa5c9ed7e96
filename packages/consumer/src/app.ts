import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The app templates beside this package's src/. */
export const APPS_DIR = join(import.meta.dirname, '..', 'apps')

export interface AppSpec {
  /** Template directory under apps/. */
  template: string
  /** Dependencies from the registry (name → version range), beside the packed tarballs. */
  dependencies: Record<string, string>
  type?: 'module' | 'commonjs'
}

/**
 * A fresh app in `dir` (outside the workspace): the template's files, a package.json of its own,
 * and `npm install` of the tarballs plus the registry dependencies, as a user would do it.
 */
export async function createApp(dir: string, spec: AppSpec, tarballs: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  mkdirSync(dir, { recursive: true })
  cpSync(join(APPS_DIR, spec.template), dir, { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `vecpods-consumer-${spec.template}`, private: true, type: spec.type ?? 'module' }, null, 2)}\n`,
  )
  const registry = Object.entries(spec.dependencies).map(([name, range]) => `${name}@${range}`)
  await npm(dir, ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, ...registry], env)
  return dir
}

/** Runs npm (or npx) in an app; rejects with its output when it fails. */
export async function npm(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env, tool = 'npm'): Promise<string> {
  return exec(tool, args, { cwd, env })
}

/** Runs a command; rejects with its stdout and stderr when it fails. */
export async function exec(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 240_000,
      maxBuffer: 64 << 20,
    })
    return stdout
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd}:\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`)
  }
}
