import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Registry } from '@vecpods/registry'
import { analyzeForeignTables, connectPod, enableFdwLogin } from '@vecpods/stack/fdw'
import postgres from 'postgres'
import { type DeployStep, deployPlan, describe } from './deploy-plan.ts'
import { UsageError } from './project.ts'

export interface DeployOptions {
  /** Print the plan and run nothing. */
  dryRun: boolean
  /** The Supabase CLI to run (`supabase` on PATH by default). */
  supabaseCli: string
}

/**
 * Runs the deployment plan step by step, printing each before it runs, and stops at the first
 * step that fails (exit status 1): every step is safe to run again, so fixing the cause and
 * running `vecpods deploy` once more continues where it stopped.
 */
export async function deploy(
  registry: Registry,
  env: Record<string, string | undefined>,
  root: string,
  options: DeployOptions,
  log: (line: string) => void,
): Promise<boolean> {
  const plan = deployPlan(registry, env, root)
  if (plan.missing.length) throw new UsageError(`vecpods deploy: set ${[...new Set(plan.missing)].join(', ')} (in the env file or the environment)`)
  log(`vecpods deploy: ${plan.steps.length} steps${options.dryRun ? ' (dry run: nothing runs)' : ''}`)
  for (const [i, step] of plan.steps.entries()) {
    log(`  ${i + 1}. ${describe(step)}`)
    if (options.dryRun || step.kind === 'skipped') continue
    const started = performance.now()
    try {
      await run(step, root, options, log)
    } catch (error) {
      log(`     failed: ${(error as Error).message}`)
      log(`vecpods deploy: stopped at step ${i + 1}; fix it and run \`npx vecpods deploy\` again (every step is safe to repeat)`)
      return false
    }
    log(`     done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  if (!options.dryRun) log('vecpods deploy: done')
  return true
}

async function run(step: DeployStep, root: string, options: DeployOptions, log: (line: string) => void): Promise<void> {
  switch (step.kind) {
    case 'push':
      return supabase(options, root, ['db', 'push', '--db-url', step.dbUrl, '--workdir', step.workdir, '--yes'], log)
    case 'connect':
      return connect(step.pod, step.podDbUrl, step.primaryDbUrl, step.password)
    case 'secrets': {
      const dir = mkdtempSync(join(tmpdir(), 'vecpods-secrets-'))
      try {
        const file = join(dir, '.env')
        writeFileSync(
          file,
          Object.entries(step.secrets)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}\n`)
            .join(''),
          { mode: 0o600 },
        )
        return supabase(options, root, ['secrets', 'set', '--project-ref', step.projectRef, '--env-file', file], log)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    case 'function':
      return supabase(options, root, ['functions', 'deploy', 'vector-search', '--project-ref', step.projectRef], log)
    case 'skipped':
      return
  }
}

function supabase(options: DeployOptions, cwd: string, args: string[], log: (line: string) => void): void {
  const result = spawnSync(options.supabaseCli, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  })
  if (result.error) throw new Error(`cannot run the Supabase CLI (${options.supabaseCli}): ${result.error.message}; install it or pass --supabase-cli`)
  for (const line of `${result.stdout}${result.stderr}`.trim().split('\n')) if (line) log(`     ${line}`)
  if (result.status !== 0) throw new Error(`supabase ${args[0]} ${args[1]} exited with status ${result.status}`)
}

/**
 * Gives the pod's read-only `vecpods_fdw` role its password (the one given, else a fresh one) and
 * points the primary's foreign server for the pod at it, then refreshes the statistics of the
 * primary's foreign tables on that pod: the local stack's own steps, on the deploy's URLs.
 */
async function connect(pod: string, podDbUrl: string, primaryDbUrl: string, given: string | undefined): Promise<void> {
  const password = given ?? randomBytes(18).toString('base64url')
  const target = new URL(podDbUrl)
  const podSql = postgres(podDbUrl, { max: 1, onnotice: () => {} })
  const primary = postgres(primaryDbUrl, { max: 1, onnotice: () => {} })
  try {
    await enableFdwLogin(podSql, password)
    const dbname = decodeURIComponent(target.pathname.slice(1)) || 'postgres'
    await connectPod(primary, pod, { host: target.hostname, port: Number(target.port || 5432), dbname }, password)
    await analyzeForeignTables(primary, { pod })
  } finally {
    await Promise.all([podSql.end(), primary.end()])
  }
}
