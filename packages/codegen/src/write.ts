import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import type { GeneratedFile } from './generate.ts'
import { GENERATED_MARK } from './layout.ts'

/**
 * What differs between the generated files and the tree: files to write, stale ones to delete,
 * and files of the same path that the project wrote itself (no generated mark, such as a Supabase
 * project's own `supabase/config.toml`), which are never touched.
 */
export interface Drift {
  changed: string[]
  missing: string[]
  stale: string[]
  kept: string[]
}

const isGenerated = (path: string) => readFileSync(path, 'utf8').slice(0, 200).includes(GENERATED_MARK)
/** Files that are the project's whatever they hold (the schema and types carry no mark of their own). */
const ALWAYS_OURS = new Set(['vecpods.config.schema.json', 'vecpods.types.ts'])

function walk(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

/** Generated files already in the tree: those under `supabase/` whose first lines carry the mark. */
function generatedOnDisk(root: string): string[] {
  return walk(join(root, 'supabase'))
    .filter((path) => /\.(sql|toml)$/.test(path))
    .filter(isGenerated)
    .map((path) => relative(root, path))
}

/** Compares the generated files with the tree under `root`. */
export function findDrift(root: string, files: GeneratedFile[]): Drift {
  const wanted = new Set(files.map((f) => f.path))
  const drift: Drift = { changed: [], missing: [], stale: [], kept: [] }
  for (const file of files) {
    const path = join(root, file.path)
    if (!existsSync(path)) drift.missing.push(file.path)
    else if (readFileSync(path, 'utf8') === file.content) continue
    else if (ALWAYS_OURS.has(file.path) || isGenerated(path)) drift.changed.push(file.path)
    else drift.kept.push(file.path)
  }
  drift.stale = generatedOnDisk(root).filter((path) => !wanted.has(path))
  return drift
}

export function hasDrift(drift: Drift): boolean {
  return drift.changed.length + drift.missing.length + drift.stale.length > 0
}

/** Brings the tree in line with the generated files; returns what it changed. */
export function writeGenerated(root: string, files: GeneratedFile[]): Drift {
  const drift = findDrift(root, files)
  const byPath = new Map(files.map((f) => [f.path, f.content]))
  for (const path of [...drift.missing, ...drift.changed]) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), byPath.get(path)!)
  }
  for (const path of drift.stale) rmSync(join(root, path))
  return drift
}
