import { formatJson } from '@vecpods/registry/node'

export interface StarterOptions {
  pod: string
  collection: string
  /** The first migration version, `YYYYMMDDHHMMSS`. */
  epoch: string
}

/**
 * The registry `init` writes: gte-small (the model Supabase's edge runtime carries), one pod
 * reached over SQL, and one public collection on it with full text over its `title` and `text`.
 */
export function starterRegistry(options: StarterOptions): string {
  const registry = {
    $schema: './vecpods.config.schema.json',
    migrations: { epoch: options.epoch },
    model: { id: 'Supabase/gte-small', dims: 384 },
    // The names Supabase gives every edge function for its own project.
    primary: { env: { dbUrl: 'SUPABASE_DB_URL', restUrl: 'SUPABASE_URL', serviceKey: 'SUPABASE_SERVICE_ROLE_KEY', anonKey: 'SUPABASE_ANON_KEY' } },
    pods: {
      [options.pod]: { description: 'the first pod: a Supabase project of its own for vector collections', transport: 'sql' },
    },
    collections: {
      [options.collection]: {
        description: 'documents, chunked, with a title',
        pod: options.pod,
        dims: 384,
        measure: 'cosine',
        index: { method: 'hnsw', m: 16, efConstruction: 64 },
        columns: { title: 'text', url: 'text' },
        fullText: { language: 'english', fields: ['title', 'text'] },
        access: 'public',
      },
    },
  }
  return `${formatJson(registry)}\n`
}

/** A migration version for now (UTC): what `supabase migration new` would name a file made now. */
export function versionAt(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}
