import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { docComments } from './jsdoc.ts'
import { pieces, sections, slug } from './markdown.ts'

/** One record of the demo corpus, ready for the edge function's upsert route. */
export interface Chunk {
  collection: 'docs' | 'posts' | 'api'
  id: string
  /** What gets embedded: the heading path or symbol, then the text. */
  text: string
  metadata: Record<string, string | number | string[]>
}

interface Package {
  name: string
  version: string
  dir: string
  keywords: string[]
}

/**
 * Every package installed for the workspace, every version of it: each node_modules/<name> (or
 * @scope/<name>) found under pnpm's store, including node_modules nested anywhere inside packages
 * (depth-limited).
 */
export function installedVersions(root: string): Map<string, Map<string, Package>> {
  const found = new Map<string, Map<string, Package>>()
  const consider = (dir: string, name: string) => {
    const manifest = join(dir, 'package.json')
    if (!existsSync(manifest)) return
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string; keywords?: unknown }
    if (pkg.name !== name || !pkg.version || found.get(name)?.has(pkg.version)) return
    const keywords = Array.isArray(pkg.keywords) ? pkg.keywords.filter((k): k is string => typeof k === 'string').slice(0, 6) : []
    if (!found.has(name)) found.set(name, new Map())
    found.get(name)!.set(pkg.version, { name, version: pkg.version, dir, keywords })
  }
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue
      const path = join(dir, entry.name)
      if (entry.name === 'node_modules') {
        for (const child of readdirSync(path)) {
          if (child.startsWith('.')) continue
          const names = child.startsWith('@') ? readdirSync(join(path, child)).map((n) => `${child}/${n}`) : [child]
          for (const name of names) {
            consider(join(path, name), name)
            walk(join(path, name), depth + 1)
          }
        }
      } else if (!['test', 'tests', 'dist', 'lib', 'src', 'build', 'esm', 'cjs', 'types'].includes(entry.name)) {
        walk(path, depth + 1)
      }
    }
  }
  const store = join(root, 'node_modules', '.pnpm')
  for (const entry of readdirSync(store).sort()) {
    if (existsSync(join(store, entry, 'node_modules'))) walk(join(store, entry), 0)
  }
  return found
}

/** Every package installed for the workspace, one per name: the highest version. */
export function installedPackages(root: string): Package[] {
  return [...installedVersions(root).values()]
    .map((versions) => [...versions.values()].reduce((a, b) => (compareVersions(a.version, b.version) >= 0 ? a : b)))
    .sort((a, b) => a.name.localeCompare(b.name))
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0)
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}

const idOf = (collection: string, key: string) => `${collection}:${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`
const MIN_TEXT = 60

/** Markdown a package ships besides its changelog and legal files: README first, then docs/. */
function guideFiles(pkg: Package): string[] {
  const top = readdirSync(pkg.dir).filter(
    (f) => /\.(md|markdown)$/i.test(f) && !/^(changelog|history|license|licence|security|code_of_conduct|contributing)/i.test(f),
  )
  const docsDir = join(pkg.dir, 'docs')
  const docs = existsSync(docsDir)
    ? readdirSync(docsDir)
        .filter((f) => /\.md$/i.test(f))
        .map((f) => join('docs', f))
    : []
  return [...top.sort((a, b) => Number(!/^readme/i.test(a)) - Number(!/^readme/i.test(b)) || a.localeCompare(b)), ...docs.sort()]
}

/** README and guide sections, in pieces of at most 900 characters → `docs`. */
function readmeChunks(pkg: Package): Chunk[] {
  const out: Chunk[] = []
  for (const file of guideFiles(pkg)) {
    const readme = /^readme/i.test(file)
    for (const [i, section] of sections(readFileSync(join(pkg.dir, file), 'utf8')).entries()) {
      const heading = section.headings.at(-1) ?? pkg.name
      const path = section.headings.join(' › ') || pkg.name
      for (const [j, text] of pieces(section.text, 900).entries()) {
        if (text.length < MIN_TEXT) continue
        out.push({
          collection: 'docs',
          id: idOf('docs', `${pkg.name}\0${file}\0${i}\0${j}`),
          text: `${path}\n\n${text}`,
          metadata: {
            url: `https://www.npmjs.com/package/${pkg.name}${readme ? `#${slug(heading)}` : ''}`,
            package: pkg.name,
            version: pkg.version,
            section: path,
            file,
            tags: pkg.keywords,
            text,
          },
        })
      }
    }
  }
  return out
}

const VERSION_HEADING = /^\[?v?(\d+\.\d+(?:\.\d+)?(?:-[\w.]+)?)\]?/
const DATE = /\b((?:19|20)\d\d)-\d\d-\d\d\b/

/** CHANGELOG / HISTORY entries, one post per version (its subsections joined) → `posts`. */
function changelogChunks(pkg: Package): Chunk[] {
  const file = readdirSync(pkg.dir).find((f) => /^(changelog|history)\.md$/i.test(f))
  if (!file) return []
  const byVersion = new Map<string, { heading: string; parts: string[] }>()
  for (const section of sections(readFileSync(join(pkg.dir, file), 'utf8'))) {
    const at = section.headings.findIndex((h) => VERSION_HEADING.test(h))
    if (at < 0) continue
    const heading = section.headings[at]!
    const entry = byVersion.get(heading) ?? { heading, parts: [] }
    const sub = section.headings.slice(at + 1).join(' › ')
    entry.parts.push(sub ? `${sub}: ${section.text}` : section.text)
    byVersion.set(heading, entry)
  }
  const out: Chunk[] = []
  for (const { heading, parts } of byVersion.values()) {
    const text = pieces(parts.join('\n\n'))[0]!
    if (text.length < 20) continue
    const version = VERSION_HEADING.exec(heading)![1]!
    const year = DATE.exec(heading)?.[1]
    out.push({
      collection: 'posts',
      id: idOf('posts', `${pkg.name}\0${heading}`),
      text: `${pkg.name} ${version}\n\n${text}`,
      metadata: {
        url: `https://www.npmjs.com/package/${pkg.name}/v/${version}`,
        package: pkg.name,
        version,
        ...(year ? { year: Number(year) } : {}),
        tags: pkg.keywords,
        text,
      },
    })
  }
  return out
}

/** Declaration files whose comments make the API reference. */
const API_SOURCES: Array<{ pkg: string; files: (dir: string) => string[]; url: (file: string) => string }> = [
  {
    pkg: '@types/node',
    files: (dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.d.ts'))
        .map((f) => join(dir, f)),
    url: (f) => `https://nodejs.org/docs/latest-v20.x/api/${basename(f, '.d.ts')}.html`,
  },
  {
    pkg: 'typescript',
    // The ECMAScript library (lib.es5 … lib.esnext): JavaScript's built-ins, documented.
    files: (dir) =>
      readdirSync(join(dir, 'lib'))
        .filter((f) => /^lib\.es(5|20\d\d|next)[\w.]*\.d\.ts$/.test(f))
        .sort()
        .map((f) => join(dir, 'lib', f)),
    url: () => 'https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects',
  },
]

/** Documentation comments of declaration files → `api`. */
function apiChunks(packages: Package[]): Chunk[] {
  const out: Chunk[] = []
  const seen = new Set<string>()
  for (const source of API_SOURCES) {
    const pkg = packages.find((p) => p.name === source.pkg)
    if (!pkg) continue
    for (const file of source.files(pkg.dir)) {
      if (!existsSync(file)) continue
      for (const doc of docComments(readFileSync(file, 'utf8'))) {
        if (doc.text.length < MIN_TEXT) continue
        const id = idOf('api', `${pkg.name}\0${basename(file)}\0${doc.symbol}\0${doc.text.slice(0, 80)}`)
        if (seen.has(id)) continue
        seen.add(id)
        const text = pieces(doc.text)[0]!
        out.push({
          collection: 'api',
          id,
          text: `${doc.symbol} (${doc.kind})\n\n${text}`,
          metadata: { url: doc.link ?? source.url(file), package: pkg.name, symbol: doc.symbol, kind: doc.kind, module: basename(file, '.d.ts'), text },
        })
      }
    }
  }
  return out
}

/**
 * The packages the corpus is made of, names and versions frozen when the eval's questions were
 * written (`packages/corpus/corpus-packages.json`): a dependency added to the workspace later, or
 * a newer version of one that another dependency brings in, changes no document under the eval,
 * whose figures stay comparable. A frozen version no longer installed is left out (and named), so
 * the question checks fail rather than the corpus changing silently. Without the file, every
 * package at its highest version.
 */
export const CORPUS_PACKAGES = join(import.meta.dirname, '..', 'corpus-packages.json')

export function corpusPackages(root: string, warn: (line: string) => void = console.warn): Package[] {
  if (!existsSync(CORPUS_PACKAGES)) return installedPackages(root)
  const frozen = JSON.parse(readFileSync(CORPUS_PACKAGES, 'utf8')) as Record<string, string>
  const installed = installedVersions(root)
  const missing: string[] = []
  const packages = Object.entries(frozen).flatMap(([name, version]) => {
    const pkg = installed.get(name)?.get(version)
    if (!pkg) missing.push(`${name}@${version}`)
    return pkg ? [pkg] : []
  })
  if (missing.length) warn(`corpus: ${missing.length} frozen package versions are not installed, left out: ${missing.join(', ')}`)
  return packages.sort((a, b) => a.name.localeCompare(b.name))
}

/** The whole demo corpus, deterministic for one lockfile. */
export function buildCorpus(root: string): Chunk[] {
  const packages = corpusPackages(root)
  return [...packages.flatMap(readmeChunks), ...packages.flatMap(changelogChunks), ...apiChunks(packages)]
}
