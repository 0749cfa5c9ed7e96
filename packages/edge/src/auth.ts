import { jwtVerify } from 'jose'
import { VecpodsError } from './errors.ts'

export type Role = 'anon' | 'authenticated' | 'service_role'

const ROLES = new Set<string>(['anon', 'authenticated', 'service_role'])

/** Verifies the bearer JWT (HS256, the project's secret) and returns the caller's role. */
export async function roleOf(authorization: string | undefined, secret: Uint8Array): Promise<Role> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
  if (!token) throw new VecpodsError('unauthorized', 'missing bearer token: send Authorization: Bearer <anon or user JWT>')
  let role: unknown
  try {
    role = (await jwtVerify(token, secret, { algorithms: ['HS256'] })).payload.role
  } catch (error) {
    throw new VecpodsError('unauthorized', `invalid JWT: ${(error as Error).message}`, { cause: error })
  }
  if (typeof role !== 'string' || !ROLES.has(role)) throw new VecpodsError('unauthorized', 'the JWT has no known role claim')
  return role as Role
}
