import { fdwPods, PRIMARY, projectEnvNames, projectNames, type Registry, replicaEnvName } from '@vecpods/registry'

/** One step of a deployment, in the order they run. */
export type DeployStep =
  | { kind: 'push'; project: string; dbUrl: string; workdir: string }
  | { kind: 'connect'; pod: string; podDbUrl: string; primaryDbUrl: string; password?: string }
  | { kind: 'secrets'; projectRef: string; secrets: Record<string, string> }
  | { kind: 'function'; projectRef: string }
  | { kind: 'skipped'; what: string; why: string }

export interface DeployPlan {
  steps: DeployStep[]
  /** Variables the plan needs and the environment lacks: nothing runs while any is missing. */
  missing: string[]
}

/**
 * What turns the registry into Supabase projects, derived from the registry and the environment
 * (the deploy env file): push each project's migrations (pods first, then the primary), point the
 * primary's postgres_fdw servers at the pods, set the function's secrets on the primary project and
 * deploy the function there. The last two need the primary's project ref (`SUPABASE_PROJECT_REF`).
 */
export function deployPlan(registry: Registry, env: Record<string, string | undefined>, root: string): DeployPlan {
  const missing: string[] = []
  const need = (name: string) => {
    const value = env[name]
    if (!value) missing.push(name)
    return value ?? ''
  }
  const projects = projectNames(registry).sort((a, b) => Number(a === PRIMARY) - Number(b === PRIMARY))
  const steps: DeployStep[] = projects.map((project) => ({
    kind: 'push',
    project,
    dbUrl: need(projectEnvNames(registry, project).dbUrl),
    workdir: project === PRIMARY ? root : `${root}/supabase/pods/${project}`,
  }))
  const primaryDbUrl = env[projectEnvNames(registry, PRIMARY).dbUrl] ?? ''
  for (const pod of fdwPods(registry)) {
    // `VECPODS_<POD>_FDW_PASSWORD` keeps the login the same across deploys; without it each deploy sets a new one.
    const password = env[`VECPODS_${pod.toUpperCase()}_FDW_PASSWORD`]
    steps.push({ kind: 'connect', pod, podDbUrl: env[projectEnvNames(registry, pod).dbUrl] ?? '', primaryDbUrl, ...(password ? { password } : {}) })
  }

  const projectRef = env.SUPABASE_PROJECT_REF
  if (!projectRef) {
    steps.push({
      kind: 'skipped',
      what: 'function secrets and `supabase functions deploy vector-search`',
      why: 'SUPABASE_PROJECT_REF (the primary project) is not set',
    })
    return { steps, missing }
  }
  steps.push({ kind: 'secrets', projectRef, secrets: functionSecrets(registry, env, need) }, { kind: 'function', projectRef })
  return { steps, missing }
}

/**
 * The settings the deployed function reads that Supabase does not give it: each pod's connection
 * (the database URL over SQL; URL and service key over REST, and the pod's JWT secret when it
 * holds rows with owners: the function signs callers' tokens for it), replicas whose URL is set,
 * and the JWT secret that verifies callers. `SUPABASE_*` names are Supabase's own and cannot be set.
 */
function functionSecrets(registry: Registry, env: Record<string, string | undefined>, need: (name: string) => string): Record<string, string> {
  const secrets: Record<string, string> = {}
  const put = (name: string, value: string) => {
    if (!name.startsWith('SUPABASE_')) secrets[name] = value
  }
  for (const [pod, spec] of Object.entries(registry.pods)) {
    const names = projectEnvNames(registry, pod)
    if (spec.transport === 'sql') put(names.dbUrl, need(names.dbUrl))
    else {
      put(names.restUrl, need(names.restUrl))
      put(names.serviceKey, need(names.serviceKey))
      const owned = Object.values(registry.collections).some((c) => c.pod === pod && c.owner)
      if (owned) put(names.jwtSecret, need(names.jwtSecret))
      else {
        const given = env[names.jwtSecret]
        if (given) put(names.jwtSecret, given)
      }
    }
    for (const replica of spec.replicas) {
      const name = replicaEnvName(registry, pod, replica.name)
      if (env[name]) put(name, env[name])
    }
  }
  put('VECPODS_JWT_SECRET', need('VECPODS_JWT_SECRET'))
  return secrets
}

/** A URL with its password masked, for printing. */
export function masked(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1****@')
}

/** How a step reads in the printed plan; secret values never appear. */
export function describe(step: DeployStep): string {
  switch (step.kind) {
    case 'push':
      return `push ${step.project}'s migrations: supabase db push --db-url ${masked(step.dbUrl)} --workdir ${step.workdir}`
    case 'connect':
      return `connect the primary to ${step.pod}: postgres_fdw server vecpods_${step.pod} → ${masked(step.podDbUrl)} as vecpods_fdw (${step.password ? `VECPODS_${step.pod.toUpperCase()}_FDW_PASSWORD` : 'a new password'})`
    case 'secrets':
      return `set the function's secrets on ${step.projectRef}: ${Object.keys(step.secrets).join(', ')} (values from the env file, not shown)`
    case 'function':
      return `deploy the function: supabase functions deploy vector-search --project-ref ${step.projectRef}`
    case 'skipped':
      return `skip ${step.what}: ${step.why}`
  }
}
