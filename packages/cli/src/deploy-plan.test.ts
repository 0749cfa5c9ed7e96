import { parseRegistry } from '@vecpods/registry'
import { describe, expect, it } from 'vitest'
import { deployPlan, describe as describeStep, masked } from './deploy-plan.ts'

const registry = parseRegistry({
  model: { id: 'Supabase/gte-small', dims: 384 },
  primary: { env: { dbUrl: 'SUPABASE_DB_URL' } },
  pods: { pod_a: { transport: 'sql' }, pod_c: { transport: 'rest' } },
  collections: {
    docs: { pod: 'pod_a', dims: 384, measure: 'cosine' },
    api: { pod: 'pod_c', dims: 384, measure: 'cosine', onPrimary: 'none' },
  },
})
const env = {
  SUPABASE_DB_URL: 'postgresql://postgres:pw0@db.primary:5432/postgres',
  VECPODS_POD_A_DB_URL: 'postgresql://postgres:pw1@db.a:5432/postgres',
  VECPODS_POD_C_DB_URL: 'postgresql://postgres:pw2@db.c:5432/postgres',
  VECPODS_POD_C_URL: 'https://c.example',
  VECPODS_POD_C_SERVICE_ROLE_KEY: 'svc-c',
  VECPODS_JWT_SECRET: 'jwt',
  SUPABASE_PROJECT_REF: 'abcd',
}

describe('deployPlan', () => {
  it('pushes the pods, then the primary, connects the pods with foreign tables, then sets secrets and deploys the function', () => {
    const plan = deployPlan(registry, env, '/app')
    expect(plan.missing).toEqual([])
    expect(plan.steps.map((s) => `${s.kind}:${'project' in s ? s.project : 'pod' in s ? s.pod : ''}`)).toEqual([
      'push:pod_a',
      'push:pod_c',
      'push:primary',
      'connect:pod_a',
      'secrets:',
      'function:',
    ])
    expect(plan.steps[0]).toMatchObject({ workdir: '/app/supabase/pods/pod_a' })
    expect(plan.steps[2]).toMatchObject({ workdir: '/app' })
    const secrets = plan.steps.find((s) => s.kind === 'secrets')!
    // Only what Supabase does not give the function; SUPABASE_* names are reserved.
    expect(Object.keys((secrets as { secrets: object }).secrets)).toEqual([
      'VECPODS_POD_A_DB_URL',
      'VECPODS_POD_C_URL',
      'VECPODS_POD_C_SERVICE_ROLE_KEY',
      'VECPODS_JWT_SECRET',
    ])
  })

  it('needs the JWT secret of a REST pod that holds rows with owners', () => {
    const owned = parseRegistry({
      ...registry,
      collections: { ...registry.collections, notes: { pod: 'pod_c', dims: 384, measure: 'cosine', access: 'owner', owner: {}, onPrimary: 'none' } },
    })
    expect(deployPlan(owned, env, '/app').missing).toEqual(['VECPODS_POD_C_JWT_SECRET'])
    const plan = deployPlan(owned, { ...env, VECPODS_POD_C_JWT_SECRET: 'pod-c-secret' }, '/app')
    const secrets = plan.steps.find((s) => s.kind === 'secrets') as { secrets: Record<string, string> }
    expect(secrets.secrets.VECPODS_POD_C_JWT_SECRET).toBe('pod-c-secret')
  })

  it('names every missing variable, and skips the function without a project ref', () => {
    const { VECPODS_POD_A_DB_URL: _, SUPABASE_PROJECT_REF: __, ...rest } = env
    const plan = deployPlan(registry, rest, '/app')
    expect(plan.missing).toEqual(['VECPODS_POD_A_DB_URL'])
    expect(plan.steps.at(-1)).toMatchObject({ kind: 'skipped' })
    expect(plan.steps.some((s) => s.kind === 'secrets' || s.kind === 'function')).toBe(false)
  })

  it('never prints a password or a secret value', () => {
    const printed = deployPlan(registry, { ...env, VECPODS_POD_A_FDW_PASSWORD: 'fdwpw' }, '/app')
      .steps.map(describeStep)
      .join('\n')
    for (const secret of ['pw0', 'pw1', 'pw2', 'svc-c', 'jwt', 'fdwpw']) expect(printed).not.toContain(secret)
    expect(printed).toContain('postgresql://postgres:****@db.a:5432/postgres')
    expect(printed).toContain('as vecpods_fdw (VECPODS_POD_A_FDW_PASSWORD)')
    expect(masked('postgresql://u:p%40ss@h:1/d?sslmode=disable')).toBe('postgresql://u:****@h:1/d?sslmode=disable')
  })
})
