import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import type { GeneratedFile } from './generate.ts'
import { GENERATED_MARK } from './layout.ts'

/** What differs between the generated files and the tree: files to write, and stale ones to delete. */
export interface Drift {
  changed: string[]
  missing: string[]
  stale: string[]
}

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
    .filter((path) => readFileSync(path, 'utf8').slice(0, 200).includes(GENERATED_MARK))
    .map((path) => relative(root, path))
}

/** Compares the generated files with the tree under `root`. */
export function findDrift(root: string, files: GeneratedFile[]): Drift {
  const wanted = new Set(files.map((f) => f.path))
  const drift: Drift = { changed: [], missing: [], stale: [] }
  for (const file of files) {
    const path = join(root, file.path)
    if (!existsSync(path)) drift.missing.push(file.path)
    else if (readFileSync(path, 'utf8') !== file.content) drift.changed.push(file.path)
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
