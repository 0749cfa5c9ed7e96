import { z } from 'zod'

/** Names that become SQL identifiers, environment-variable prefixes and URL segments. */
const identifier = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits and _, starting with a letter (at most 40)')

const envVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)')

/** pgvector's HNSW and IVFFlat indexes take vectors of at most 2000 dimensions. */
export const MAX_INDEXED_DIMS = 2000
/** Dimensions an index takes by what it indexes: vector 2,000, halfvec 4,000, binary-quantized bits 64,000. */
export const MAX_INDEXED = { vector: 2000, halfvec: 4000, binary: 64000 } as const
export const STORAGES = ['vector', 'halfvec'] as const
export const QUANTIZATIONS = ['none', 'binary'] as const

export const MEASURES = ['cosine', 'l2', 'inner_product'] as const
export const COLUMN_TYPES = ['text', 'number', 'boolean', 'jsonb'] as const
export const ACCESS = ['public', 'owner', 'service'] as const
export const TRANSPORTS = ['sql', 'rest'] as const
export const PRIMARY_FORMS = ['foreign_table', 'none'] as const

const modelSchema = z.strictObject({
  /** Model id recorded with every collection it fills, e.g. `Supabase/gte-small`. */
  id: z.string().min(1),
  dims: z.int().min(1).max(16000),
})

const projectEnvSchema = z.strictObject({
  dbUrl: envVarName.optional(),
  restUrl: envVarName.optional(),
  serviceKey: envVarName.optional(),
  anonKey: envVarName.optional(),
  /** The project's JWT secret: the edge signs short-lived tokens with it for a pod it reaches over REST. */
  jwtSecret: envVarName.optional(),
})

/**
 * `hnsw.ef_search` for searches that do not ask for their own: the HNSW candidate list size.
 * pgvector's default is 40; vecpods uses 160 because on 100,000 clustered 384-dimension rows
 * `pnpm bench` measured recall@10 0.906–0.943 at 40 and 0.948–0.975 at 100 across index builds
 * (each build differs), and 0.971–0.983 at 160, for about 0.5 ms more at the pod than 40 (BENCHMARKS.md).
 */
export const DEFAULT_EF_SEARCH = 160
const efSearch = z.int().min(1).max(1000).default(DEFAULT_EF_SEARCH)

/**
 * What a caller that is not service_role (anon, authenticated) may ask of one request: the costly
 * knobs are bounded or off, so a public key cannot make the pods do much more than a normal search.
 */
export const DEFAULT_FILTER_LIMITS = { maxComparisons: 10, maxDepth: 3, maxBytes: 4096 }

const publicLimitsSchema = z.strictObject({
  /** Collections one search may fan out over. */
  maxCollections: z.int().min(1).max(16).default(4),
  /** Highest `ef_search` a request may set. */
  maxEfSearch: z.int().min(1).max(1000).default(400),
  /** Whether `exact: true` (a scan of every row) is allowed. */
  exact: z.boolean().default(false),
  /** Whether `include.value` (the stored vectors) is allowed. */
  includeValue: z.boolean().default(false),
  /** Largest request body, in bytes (service_role: 4 MiB). */
  maxBodyBytes: z
    .int()
    .min(1024)
    .max(4 * 1024 * 1024)
    .default(256 * 1024),
  /**
   * Requests one caller may make per minute: a signed-in user by its `sub`, an anonymous caller by
   * its client address (the last `x-forwarded-for` entry, which Supabase's gateway appends), else by
   * the anon key. Counted in one-minute windows; an answer over it is held back a second.
   * Over it: 429 `rate_limited` with `Retry-After`. Counted in each function instance's memory
   * (README, "Per-caller limits").
   */
  requestsPerMinute: z.int().min(1).max(1_000_000).default(1200),
  /** Requests one caller may have in flight at once; one more answers 429 `rate_limited` at once. */
  concurrentRequests: z.int().min(1).max(1024).default(8),
  /**
   * Each pod's share for public searches (anon and signed-in callers): at most `perPod` of them run
   * on a pod at once (the SQL transport's pool holds 5 connections: one stays for service_role),
   * at most `perCaller` of one caller's; the rest wait their turn in arrival order, and a search
   * finding `maxWaiting` waiting is refused with 429 `rate_limited`. Service_role never waits.
   */
  podShare: z
    .strictObject({
      perPod: z.int().min(1).max(256).default(4),
      perCaller: z.int().min(1).max(256).default(2),
      maxWaiting: z.int().min(0).max(10_000).default(64),
    })
    .default({ perPod: 4, perCaller: 2, maxWaiting: 64 }),
  /**
   * What one filter may cost: comparisons (each `$in` / `$nin` value counts), `$and` / `$or`
   * nesting, and bytes of keys and strings. With the defaults, the costliest filters allowed added
   * at most 52.7 ms to a search of the demo corpus (`pnpm bench:cost`; RELIABILITY.md, "Costly requests").
   */
  filter: z
    .strictObject({
      maxComparisons: z.int().min(1).max(6400).default(DEFAULT_FILTER_LIMITS.maxComparisons),
      maxDepth: z.int().min(1).max(8).default(DEFAULT_FILTER_LIMITS.maxDepth),
      maxBytes: z
        .int()
        .min(64)
        .max(1024 * 1024)
        .default(DEFAULT_FILTER_LIMITS.maxBytes),
    })
    .default(DEFAULT_FILTER_LIMITS),
})
export const DEFAULT_PUBLIC_LIMITS = publicLimitsSchema.parse({})

const podSchema = z.strictObject({
  description: z.string().optional(),
  /** Which environment variables hold this pod's connection settings. Secrets never live in the file. */
  env: projectEnvSchema.optional(),
  /** How the edge function reaches the pod: postgres.js over SQL, or PostgREST RPC. */
  transport: z.enum(TRANSPORTS).default('sql'),
  /** HNSW candidate list size for this pod's searches (higher: better recall, slower). */
  efSearch,
  /**
   * Streaming read replicas of the pod (SQL transport): the edge sends searches to them and
   * writes to the pod. Each replica's database URL is read from `env.dbUrl` (default
   * `VECPODS_<POD>_<NAME>_DB_URL`); a replica whose variable is unset is not used.
   */
  replicas: z
    .array(z.strictObject({ name: identifier, env: z.strictObject({ dbUrl: envVarName.optional() }).optional() }))
    .max(4)
    .default([])
    .refine((rs) => new Set(rs.map((r) => r.name)).size === rs.length, { message: 'replica names must be unique' }),
  /** A replica further behind than this (ms of unreplayed changes) serves no searches until it catches up. */
  maxReplicaLagMs: z.int().min(0).max(600_000).default(1000),
  /**
   * The replica the primary's foreign tables (postgres_fdw) read instead of the pod: the primary's
   * reads and `match_<name>` searches then load the replica. Reads through it may lag the pod.
   */
  foreignTablesFrom: identifier.optional(),
})

const indexSchema = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('hnsw'),
    m: z.int().min(2).max(100).default(16),
    efConstruction: z.int().min(4).max(1000).default(64),
  }),
  z.strictObject({ method: z.literal('ivfflat'), lists: z.int().min(1).max(32768).default(100) }),
  z.strictObject({ method: z.literal('none') }),
])

const reservedColumns = new Set(['id', 'embedding', 'metadata', 'vec', 'fts', 'fts_len'])

/**
 * Rows that belong to someone (`access: "owner"`): a column on the pod's table holds each row's
 * owner, and row-level security keeps a signed-in caller to the rows whose owner is the value of
 * one claim of their verified JWT (`sub`, the user; or a path such as `app_metadata.org_id`).
 * `many: true` makes the column an array of owners (a row shared with several).
 */
const ownerSchema = z.strictObject({
  column: identifier.default('owner_id'),
  claim: z
    .string()
    .regex(
      /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,3}$/,
      'must be a claim name or a dotted path into the JWT, such as sub or app_metadata.org_id',
    )
    .default('sub'),
  many: z.boolean().default(false),
})

/**
 * Full-text search beside the vectors (`mode: "text"` and `"hybrid"`): a generated `tsvector`
 * column `fts` over metadata fields, GIN-indexed, in a PostgreSQL text search configuration.
 */
const fullTextSchema = z.strictObject({
  /** A text search configuration (`english`, `simple`, `german`, …). */
  language: z
    .string()
    .regex(/^[a-z_]{1,40}$/, 'must be a text search configuration name such as english or simple')
    .default('english'),
  /** Metadata fields whose text is indexed, in order (default: the collection's `textField`). */
  fields: z.array(z.string().min(1).max(128)).min(1).max(8).optional(),
})

const collectionSchema = z.strictObject({
  description: z.string().optional(),
  /** The pod that holds the collection; `primary` keeps it in the primary database. */
  pod: identifier,
  dims: z.int().min(1).max(16000),
  measure: z.enum(MEASURES),
  index: indexSchema.default({ method: 'hnsw', m: 16, efConstruction: 64 }),
  /**
   * How the vectors are stored: `vector` (4 bytes a dimension) or `halfvec` (2 bytes: half the
   * table and index, for a little precision).
   */
  storage: z.enum(STORAGES).default('vector'),
  /**
   * What the vector index holds: the vectors (`none`), or their binary quantization (`binary`:
   * one bit a dimension, an index 1/32 the size; a search takes `limit × rerank` candidates by
   * Hamming distance, then orders them by the true distance).
   */
  quantization: z.enum(QUANTIZATIONS).default('none'),
  /** Candidates per result a binary-quantized search re-ranks by the true distance. */
  rerank: z.int().min(1).max(100).default(10),
  /** Metadata fields the collection's view exposes as typed columns. */
  columns: z
    .record(identifier, z.enum(COLUMN_TYPES))
    .default({})
    .refine((cols) => Object.keys(cols).every((c) => !reservedColumns.has(c)), {
      message: `a column may not be named ${[...reservedColumns].join(', ')}`,
    }),
  /**
   * `hnsw.ef_search` for this collection's searches, when its pod's default does not fit: one
   * number, or one per model id (`{ "Supabase/gte-small": 120, "vecpods/static-384": 10 }`), since
   * the right value depends on the model's vectors. `pnpm tune <collection>` measures it for the
   * model that filled the collection and writes it here.
   */
  efSearch: z.union([z.int().min(1).max(1000), z.record(z.string().min(1), z.int().min(1).max(1000))]).optional(),
  /** The metadata field holding each row's text: LangChain's `content` (default `text`). */
  textField: z.string().min(1).max(128).default('text'),
  /**
   * The model the collection's vectors come from, when rows were written outside vecpods (by vecs,
   * say): its migration records it, so vecpods checks queries and writes against it.
   */
  model: z.string().min(1).optional(),
  /** Full-text search over metadata text, for `mode: "text"` and `"hybrid"` searches. */
  fullText: fullTextSchema.optional(),
  /**
   * `public`: anon and authenticated may read every row; `owner`: signed-in callers read and write
   * their own rows only (see `owner`); `service`: only service_role sees it.
   */
  access: z.enum(ACCESS).default('public'),
  /** Who owns each row, for `access: "owner"`. */
  owner: ownerSchema.optional(),
  /**
   * How the primary database exposes a collection held by a pod: `foreign_table` (postgres_fdw,
   * plus a `match_<name>` search function) or `none`. A collection kept in the primary itself
   * always gets a view.
   */
  onPrimary: z.enum(PRIMARY_FORMS).default('foreign_table'),
})

export const PRIMARY = 'primary'

export const registrySchema = z
  .strictObject({
    $schema: z.string().optional(),
    /**
     * Where the generated migrations' versions start (`YYYYMMDDHHMMSS`). `vecpods init` sets it to
     * the time it ran, so the generated files sort after a project's own migrations.
     */
    migrations: z.strictObject({ epoch: z.string().regex(/^\d{14}$/, 'must be a migration version: 14 digits, YYYYMMDDHHMMSS') }).optional(),
    model: modelSchema,
    primary: z.strictObject({ env: projectEnvSchema.optional(), efSearch }).default({ efSearch: DEFAULT_EF_SEARCH }),
    /** Bounds for callers that are not service_role (see `publicLimitsSchema`). */
    publicLimits: publicLimitsSchema.default(DEFAULT_PUBLIC_LIMITS),
    pods: z
      .record(identifier, podSchema)
      .refine((pods) => Object.keys(pods).length > 0, { message: 'at least one pod is required' })
      .refine((pods) => !(PRIMARY in pods), { message: `"${PRIMARY}" is reserved for the primary database` }),
    collections: z.record(identifier, collectionSchema),
  })
  .superRefine((reg, ctx) => {
    const pods = Object.keys(reg.pods)
    for (const [name, pod] of Object.entries(reg.pods)) {
      if (pod.replicas.length && pod.transport !== 'sql') {
        ctx.addIssue({ code: 'custom', path: ['pods', name, 'replicas'], message: 'read replicas need the sql transport (the edge reaches them over SQL)' })
      }
      if (pod.foreignTablesFrom !== undefined && !pod.replicas.some((r) => r.name === pod.foreignTablesFrom)) {
        ctx.addIssue({
          code: 'custom',
          path: ['pods', name, 'foreignTablesFrom'],
          message: `no replica "${pod.foreignTablesFrom}" on pod ${name} (replicas: ${pod.replicas.map((r) => r.name).join(', ') || 'none'})`,
        })
      }
    }
    for (const [name, col] of Object.entries(reg.collections)) {
      const at = (field: string) => ['collections', name, field]
      if (col.pod !== PRIMARY && !(col.pod in reg.pods)) {
        ctx.addIssue({
          code: 'custom',
          path: at('pod'),
          message: `unknown pod "${col.pod}" (known: ${[PRIMARY, ...pods].join(', ')})`,
        })
      }
      // A collection filled by another model (declared in its `model`) has that model's dims.
      if (col.dims !== reg.model.dims && (col.model === undefined || col.model === reg.model.id)) {
        ctx.addIssue({
          code: 'custom',
          path: at('dims'),
          message: `dims ${col.dims} does not match model.dims ${reg.model.dims} (${reg.model.id}); a collection of another model's vectors declares that model`,
        })
      }
      if (col.access === 'owner' && !col.owner) {
        ctx.addIssue({ code: 'custom', path: at('owner'), message: 'access "owner" needs an owner entry, e.g. { "column": "owner_id", "claim": "sub" }' })
      }
      if (col.owner && col.access !== 'owner') {
        ctx.addIssue({
          code: 'custom',
          path: at('access'),
          message: `a collection with an owner has "access": "owner" ("${col.access}" ${col.access === 'public' ? 'means no owner: every row readable by anyone' : 'means service_role only'})`,
        })
      }
      if (col.owner && (reservedColumns.has(col.owner.column) || col.owner.column in col.columns)) {
        ctx.addIssue({ code: 'custom', path: [...at('owner'), 'column'], message: `"${col.owner.column}" is taken by a reserved or metadata column` })
      }
      if (col.owner && col.pod === PRIMARY) {
        ctx.addIssue({ code: 'custom', path: at('owner'), message: 'owner collections live on a pod (the primary keeps RLS of its own)' })
      }
      const indexed = col.quantization === 'binary' ? 'binary' : col.storage
      if (col.index.method !== 'none' && col.dims > MAX_INDEXED[indexed]) {
        ctx.addIssue({
          code: 'custom',
          path: at('index'),
          message: `pgvector indexes at most ${MAX_INDEXED[indexed]} dimensions of ${indexed === 'binary' ? 'binary-quantized vectors' : indexed}; ${indexed === 'vector' ? 'use "storage": "halfvec" (4,000) or "quantization": "binary", ' : ''}"method": "none" or fewer dims`,
        })
      }
      if (col.quantization === 'binary' && col.index.method === 'none') {
        ctx.addIssue({ code: 'custom', path: at('quantization'), message: 'binary quantization is an index: it needs "index.method" hnsw or ivfflat' })
      }
    }
  })

/** The registry as written in `vecpods.config.json` (defaults optional). */
export type RegistryInput = z.input<typeof registrySchema>
/** The registry after validation, with every default filled in. */
export type Registry = z.output<typeof registrySchema>
export type Collection = Registry['collections'][string]
export type Pod = Registry['pods'][string]
export type Measure = (typeof MEASURES)[number]
export type ColumnType = (typeof COLUMN_TYPES)[number]
export type IndexSpec = Collection['index']
export type PublicLimits = Registry['publicLimits']
export type FullText = NonNullable<Collection['fullText']>
export type Owner = NonNullable<Collection['owner']>
export type Storage = (typeof STORAGES)[number]

/** The owner claim as a PostgreSQL text-array path into the JWT's claims (`{app_metadata,org_id}`). */
export function ownerClaimPath(owner: Owner): string {
  return `{${owner.claim.split('.').join(',')}}`
}

/** The owner claim's value in a verified JWT payload, if it is a non-empty string (or number). */
export function ownerClaimOf(owner: Owner, claims: Record<string, unknown>): string | undefined {
  let at: unknown = claims
  for (const key of owner.claim.split('.')) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined
  if (typeof at === 'number' && Number.isFinite(at)) return String(at)
  return typeof at === 'string' && at !== '' ? at : undefined
}

/** The metadata fields a collection's full-text column covers. */
export function fullTextFields(col: Collection): string[] {
  return col.fullText?.fields ?? [col.textField]
}
