import type { Caller, Role } from '../auth.ts'

/** The Hono environment of every route: the caller and its role, set by the auth middleware. */
export type AppEnv = { Variables: { role: Role; caller: Caller } }
