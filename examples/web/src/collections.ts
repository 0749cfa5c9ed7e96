import type { VecpodsCollections } from '../../../vecpods.types.ts'

export type Name = 'docs' | 'posts' | 'api'
export type Collections = Pick<VecpodsCollections, Name>

/** The demo's collections, as the registry places them. */
export const COLLECTIONS: Record<Name, { label: string; pod: string; about: string }> = {
  docs: { label: 'Docs', pod: 'pod_a', about: 'README sections' },
  posts: { label: 'Release notes', pod: 'pod_b', about: 'one post per version' },
  api: { label: 'API reference', pod: 'pod_c', about: 'declaration-file comments' },
}

/** A title for a hit, from what its collection stores. */
export function titleOf(collection: Name, metadata: Record<string, unknown>): string {
  if (collection === 'api') return String(metadata.symbol ?? 'symbol')
  if (collection === 'posts') return `${String(metadata.package)} ${String(metadata.version ?? '')}`.trim()
  return String(metadata.section ?? metadata.package ?? 'section')
}

export const snippet = (text: unknown, max = 220): string => {
  const flat = String(text ?? '')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
