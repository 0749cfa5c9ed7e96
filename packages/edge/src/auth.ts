import { jwtVerify } from 'jose'
import { VecpodsError } from './errors.ts'

export type Role = 'anon' | 'authenticated' | 'service_role'

/** Who is calling: the role, and the verified claims of the JWT (what owner collections key on). */
export interface Caller {
  role: Role
  claims: Record<string, unknown>
  /** Who the per-caller limits count this request against (a user, or a client address); none for service_role. */
  key?: string
}

/** A caller from a role alone (tests, internal calls): its claims say only the role. */
export const asCaller = (who: Role | Caller): Caller => (typeof who === 'string' ? { role: who, claims: { role: who } } : who)

const ROLES = new Set<string>(['anon', 'authenticated', 'service_role'])

/** Verifies the bearer JWT (HS256, the project's secret, not expired) and returns the caller. */
export async function callerOf(authorization: string | undefined, secret: Uint8Array): Promise<Caller> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
  if (!token) throw new VecpodsError('unauthorized', 'missing bearer token: send Authorization: Bearer <anon or user JWT>')
  let claims: Record<string, unknown>
  try {
    claims = (await jwtVerify(token, secret, { algorithms: ['HS256'] })).payload
  } catch (error) {
    throw new VecpodsError('unauthorized', `invalid JWT: ${(error as Error).message}`, { cause: error })
  }
  const role = claims.role
  if (typeof role !== 'string' || !ROLES.has(role)) throw new VecpodsError('unauthorized', 'the JWT has no known role claim')
  return { role: role as Role, claims }
}
