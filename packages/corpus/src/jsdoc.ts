/** One documented declaration of a `.d.ts` file. */
export interface DocComment {
  symbol: string
  kind: string
  text: string
  /** A link the comment gives (MDN, Node.js docs), if any. */
  link?: string
}

const DECLARATION =
  /^(?:export\s+)?(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(function|interface|class|type|const|var|let|namespace|module|enum)\s+([A-Za-z_$][\w$]*)/
const MEMBER = /^(?:readonly\s+|static\s+|get\s+|set\s+)*(?:\[Symbol\.)?([A-Za-z_$][\w$]*)\]?\??\s*(\(|<|:)/

/** The text of a `/** … *\/` comment, without the stars and the @-tags. */
function commentText(raw: string): { text: string; link?: string } {
  const lines = raw
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
  const body: string[] = []
  let link: string | undefined
  for (const line of lines) {
    const mdn = /\[MDN Reference\]\((https?:[^)]+)\)/.exec(line)
    if (mdn) link = mdn[1]
    const see = /@see\s+(?:\{@link\s+)?(https?:\/\/\S+?)[}\s]?/.exec(line)
    if (see && !link) link = see[1]
    if (/^\s*@/.test(line) || mdn) continue
    body.push(line)
  }
  const text = body
    .join('\n')
    .replace(/\{@link\s+([^}|]+)(?:\|[^}]*)?\}/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return link ? { text, link } : { text }
}

/**
 * Documentation comments and what they document, with the enclosing interface / namespace /
 * class as a prefix (`Array.map`). Regex and brace counting: good enough for declaration files.
 */
export function docComments(source: string): DocComment[] {
  const out: DocComment[] = []
  const scopes: Array<{ name: string; depth: number }> = []
  let depth = 0
  const re = /\/\*\*[\s\S]*?\*\/|[{}]|[^{}/]+|\//g
  let pending: { text: string; link?: string } | undefined
  for (const m of source.matchAll(re)) {
    const token = m[0]
    if (token.startsWith('/**')) {
      pending = commentText(token)
      continue
    }
    if (token === '{') {
      depth++
      continue
    }
    if (token === '}') {
      depth--
      while (scopes.length && scopes.at(-1)!.depth > depth) scopes.pop()
      continue
    }
    const line = token.trimStart().split('\n')[0]!.trim()
    if (!line) continue
    const decl = DECLARATION.exec(line)
    if (decl) {
      const name = [...scopes.map((s) => s.name), decl[2]!].join('.')
      if (['interface', 'class', 'namespace', 'module', 'enum'].includes(decl[1]!)) scopes.push({ name: decl[2]!, depth: depth + 1 })
      if (pending?.text) out.push({ symbol: name, kind: decl[1] === 'module' ? 'namespace' : decl[1]!, ...pending })
    } else if (pending?.text && scopes.length) {
      const member = MEMBER.exec(line)
      if (member) out.push({ symbol: `${scopes.map((s) => s.name).join('.')}.${member[1]}`, kind: member[2] === ':' ? 'property' : 'method', ...pending })
    }
    pending = undefined
  }
  return out
}
