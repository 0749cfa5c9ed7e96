import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { installedPackages, installedVersions } from './build.ts'

/** A pnpm store with `name@version` entries, as node_modules/.pnpm/<entry>/node_modules/<name>. */
function store(packages: Array<[string, string]>): string {
  const root = mkdtempSync(join(tmpdir(), 'vecpods-corpus-'))
  for (const [name, version] of packages) {
    const dir = join(root, 'node_modules', '.pnpm', `${name.replace('/', '+')}@${version}`, 'node_modules', name)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version }))
  }
  return root
}

describe('installed packages', () => {
  it('finds every version of a package, and the highest when one is asked for', () => {
    const root = store([
      ['ansi-regex', '5.0.1'],
      ['ansi-regex', '6.6.0'],
      ['@types/node', '20.19.43'],
    ])
    expect([...installedVersions(root).get('ansi-regex')!.keys()].sort()).toEqual(['5.0.1', '6.6.0'])
    expect(installedPackages(root).map((p) => `${p.name}@${p.version}`)).toEqual(['@types/node@20.19.43', 'ansi-regex@6.6.0'])
  })
})
