import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RegistryError } from './errors.ts'
import { parseRegistryText } from './parse.ts'
import type { Registry } from './schema.ts'

/** The repository root: where `vecpods.config.json` lives. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** Default registry path: `$VECPODS_CONFIG`, else `vecpods.config.json` at the repository root. */
export function defaultRegistryPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.VECPODS_CONFIG ?? resolve(repoRoot, 'vecpods.config.json'))
}

/** Reads and validates a registry file. */
export function loadRegistry(path = defaultRegistryPath()): Registry {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new RegistryError(path, [{ path: '', message: `cannot read the file: ${(error as Error).message}` }])
  }
  return parseRegistryText(text, path)
}
