import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseEnv } from 'node:util'

/** The environment with `file` (under the project root) laid over it, and whether the file was there. */
export function withEnvFile(root: string, file: string, env: NodeJS.ProcessEnv = process.env): { env: Record<string, string | undefined>; found: boolean } {
  const path = resolve(root, file)
  if (!existsSync(path)) return { env: { ...env }, found: false }
  return { env: { ...env, ...parseEnv(readFileSync(path, 'utf8')) }, found: true }
}
