import { SignJWT } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { callerVerifier, VERIFIED_TOKENS } from './auth.ts'

const secret = new TextEncoder().encode('a-test-secret-of-at-least-thirty-two-bytes')
const sign = (claims: Record<string, unknown>, exp: string | number = '1h', key = secret) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime(exp).sign(key)

afterEach(() => vi.useRealTimers())

describe('callerVerifier', () => {
  it('verifies a token once and answers it again from memory, with frozen claims', async () => {
    const verify = callerVerifier(secret)
    const token = await sign({ role: 'authenticated', sub: 'u1', app_metadata: { org_id: 'o1' } })
    const first = await verify(`Bearer ${token}`)
    const again = await verify(`Bearer ${token}`)
    expect(first).toEqual({ role: 'authenticated', claims: expect.objectContaining({ sub: 'u1' }) })
    expect(again).toBe(first)
    expect(Object.isFrozen((first.claims as { app_metadata: object }).app_metadata)).toBe(true)
  })

  it('refuses a remembered token once it has expired', async () => {
    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] })
    const verify = callerVerifier(secret)
    const token = await sign({ role: 'anon' }, Math.floor(Date.now() / 1000) + 60)
    await expect(verify(`Bearer ${token}`)).resolves.toMatchObject({ role: 'anon' })
    vi.setSystemTime(Date.now() + 120_000)
    await expect(verify(`Bearer ${token}`)).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/exp/) })
  })

  it('refuses a forged token every time, and keeps answering past its bound', async () => {
    const verify = callerVerifier(secret)
    const forged = await sign({ role: 'service_role' }, '1h', new TextEncoder().encode('another-secret-of-at-least-thirty-two-b'))
    for (let i = 0; i < 2; i++) await expect(verify(`Bearer ${forged}`)).rejects.toMatchObject({ code: 'unauthorized' })
    const tokens = await Promise.all(Array.from({ length: VERIFIED_TOKENS + 5 }, (_, i) => sign({ role: 'authenticated', sub: `u${i}` })))
    for (const t of tokens) await verify(`Bearer ${t}`)
    // The oldest was forgotten and is verified again (same claims); the newest is remembered.
    expect((await verify(`Bearer ${tokens[0]}`)).claims.sub).toBe('u0')
    expect((await verify(`Bearer ${tokens.at(-1)}`)).claims.sub).toBe(`u${VERIFIED_TOKENS + 4}`)
    await expect(verify(undefined)).rejects.toMatchObject({ code: 'unauthorized' })
  })
})
