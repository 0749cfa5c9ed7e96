import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '@vecpods/registry/node'

/** The Node.js lines vecpods is tested on (scripts/setup-node.sh installs them). */
export const NODE_LINES = [22, 24] as const

/** Each tested line's node binary under .vecpods/node/<major>, when setup installed it. */
export function nodeBinaries(): Map<number, string> {
  const found = new Map<number, string>()
  for (const major of NODE_LINES) {
    const bin = join(repoRoot, '.vecpods', 'node', String(major), 'bin', 'node')
    if (existsSync(bin)) found.set(major, bin)
  }
  return found
}
