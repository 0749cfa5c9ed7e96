import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RegistryError } from './errors.ts'
import { applyOverlay, type Overlay, parseOverlay } from './overlay.ts'
import { parseRegistryText } from './parse.ts'
import type { Registry } from './schema.ts'

/** The repository root: where `vecpods.config.json` lives. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** Default registry path: `$VECPODS_CONFIG`, else `vecpods.config.json` at the repository root. */
export function defaultRegistryPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.VECPODS_CONFIG ?? resolve(repoRoot, 'vecpods.config.json'))
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new RegistryError(path, [{ path: '', message: `cannot read the file: ${(error as Error).message}` }])
  }
}

/** Reads and validates a registry file. */
export function loadRegistry(path = defaultRegistryPath()): Registry {
  return parseRegistryText(readText(path), path)
}

/** Reads an overlay file (see `applyOverlay`). */
export function loadOverlay(path: string): Overlay {
  let json: unknown
  try {
    json = JSON.parse(readText(path))
  } catch (error) {
    if (error instanceof RegistryError) throw error
    throw new RegistryError(path, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }])
  }
  return parseOverlay(json, path)
}

/** A registry with overlay files applied in order. */
export function loadRegistryWithOverlays(path: string, overlays: string[]): Registry {
  return overlays.reduce((registry, file) => applyOverlay(registry, loadOverlay(file), file), loadRegistry(path))
}

type RegistryJson = { collections?: Record<string, Record<string, unknown>> }

/** The file (the shipped registry or one of the overlays) that declares a collection. */
export function declaringFile(files: string[], collection: string): string | undefined {
  return files.find((f) => {
    const json = JSON.parse(readFileSync(f, 'utf8')) as RegistryJson
    return json.collections !== undefined && Object.hasOwn(json.collections, collection)
  })
}

/**
 * Sets fields of a collection where it is declared (\`pnpm tune\` its efSearch, \`pnpm move\` its
 * pod): returns that file and its new content, or undefined when no file declares it.
 */
export function updateDeclaration(files: string[], collection: string, fields: Record<string, unknown>): { file: string; json: unknown } | undefined {
  const file = declaringFile(files, collection)
  if (!file) return undefined
  const json = JSON.parse(readFileSync(file, 'utf8')) as RegistryJson
  Object.assign(json.collections![collection]!, fields)
  writeFileSync(file, `${formatJson(json)}\n`)
  return { file, json }
}

/**
 * JSON as the repository's formatter (Biome) lays it out: objects one member a line, arrays of
 * scalars on one line, so a file the tools rewrite passes `pnpm lint` unchanged.
 */
export function formatJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.every((x) => x === null || typeof x !== 'object')) return `[${value.map((x) => JSON.stringify(x)).join(', ')}]`
    return value.length ? `[\n${value.map((x) => inner + formatJson(x, inner)).join(',\n')}\n${indent}]` : '[]'
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    return entries.length ? `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}` : '{}'
  }
  return JSON.stringify(value)
}
