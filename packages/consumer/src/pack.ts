import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '@vecpods/registry/node'

/** The workspace packages a user installs from npm, by directory under packages/. */
export const PUBLISHED = ['protocol', 'sdk'] as const

/**
 * Packs each package as `pnpm publish` would (its prepack build, publishConfig applied,
 * workspace versions resolved) into `dest`; returns the tarballs by package directory.
 */
export function packPublished(dest: string, packages: readonly string[] = PUBLISHED): Map<string, string> {
  const tarballs = new Map<string, string>()
  for (const dir of packages) {
    const before = new Set(readdirSync(dest))
    execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: join(repoRoot, 'packages', dir), stdio: ['ignore', 'ignore', 'pipe'] })
    const made = readdirSync(dest).filter((f) => f.endsWith('.tgz') && !before.has(f))
    if (made.length !== 1) throw new Error(`pnpm pack in packages/${dir} made ${made.length} tarballs`)
    tarballs.set(dir, join(dest, made[0]!))
  }
  return tarballs
}
