/** One section of a Markdown file: its heading path and its text, code fences flattened. */
export interface Section {
  headings: string[]
  text: string
}

const HEADING = /^(#{1,4})\s+(.+?)\s*#*\s*$/

/** Text a reader sees: links and images reduced to their text, HTML tags and badges dropped. */
export function plain(markdown: string): string {
  return markdown
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)/g, ' ') // linked badges
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, ' ') // images
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1') // links
    .replace(/<[^>]+>/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** Splits Markdown at headings (levels 1–4; not inside code fences). */
export function sections(markdown: string): Section[] {
  const out: Section[] = []
  const path: string[] = []
  let lines: string[] = []
  let fenced = false
  const flush = () => {
    const text = plain(lines.join('\n'))
    if (text) out.push({ headings: [...path], text })
    lines = []
  }
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    const m = fenced ? null : HEADING.exec(line)
    if (m) {
      flush()
      const level = m[1]!.length
      path.length = Math.min(path.length, level - 1)
      path[level - 1] = plain(m[2]!)
      for (let i = 0; i < path.length; i++) path[i] ??= ''
    } else lines.push(line)
  }
  flush()
  return out.map((s) => ({ ...s, headings: s.headings.filter(Boolean) }))
}

/** Cuts text into pieces of at most `max` characters, at paragraph (else sentence) breaks. */
export function pieces(text: string, max = 1200): string[] {
  if (text.length <= max) return [text]
  const out: string[] = []
  let current = ''
  for (const para of text.split(/\n\n+/).flatMap((p) => (p.length > max ? p.split(/(?<=[.!?])\s+/) : [p]))) {
    const part = para.length > max ? para.slice(0, max) : para
    if (current && current.length + part.length + 2 > max) {
      out.push(current)
      current = ''
    }
    current = current ? `${current}\n\n${part}` : part
  }
  if (current) out.push(current)
  return out
}

/** A URL fragment for a heading, as GitHub and npm make them. */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s+/g, '-')
}
