import type { Role } from '../auth.ts'

/** The Hono environment of every route: the caller's role, set by the auth middleware. */
export type AppEnv = { Variables: { role: Role } }
