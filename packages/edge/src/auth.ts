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

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

/** Tokens whose verification a verifier remembers; past it, the oldest is forgotten first. */
export const VERIFIED_TOKENS = 1000

/**
 * Verifies bearer JWTs (HS256, the project's secret, not expired) and returns the caller. A token
 * already verified is not verified again: its claims are remembered (up to `VERIFIED_TOKENS`
 * tokens) and only its `exp` and `nbf` are checked against the clock. Verification is WebCrypto's
 * HMAC plus a key import, the largest piece of the function's CPU per search after its socket
 * writes (a Node CPU profile at 8 connections: 7.6%); an app sends the same token with every request.
 */
export function callerVerifier(secret: Uint8Array): (authorization: string | undefined) => Promise<Caller> {
  const key = crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
  // Awaited by each verification (which then fails as the import did); not left unhandled meanwhile.
  key.catch(() => {})
  const verified = new Map<string, Caller>()
  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
    if (!token) throw new VecpodsError('unauthorized', 'missing bearer token: send Authorization: Bearer <anon or user JWT>')
    const known = verified.get(token)
    const now = Date.now() / 1000
    if (known) {
      const { exp, nbf } = known.claims
      if ((typeof exp !== 'number' || exp > now) && (typeof nbf !== 'number' || nbf <= now)) return known
      verified.delete(token)
    }
    let claims: Record<string, unknown>
    try {
      claims = (await jwtVerify(token, await key, { algorithms: ['HS256'] })).payload
    } catch (error) {
      throw new VecpodsError('unauthorized', `invalid JWT: ${(error as Error).message}`, { cause: error })
    }
    const role = claims.role
    if (typeof role !== 'string' || !ROLES.has(role)) throw new VecpodsError('unauthorized', 'the JWT has no known role claim')
    // Shared by every request that sends this token: nothing may change it.
    const caller: Caller = { role: role as Role, claims: deepFreeze(claims) }
    if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value!)
    verified.set(token, caller)
    return caller
  }
}
